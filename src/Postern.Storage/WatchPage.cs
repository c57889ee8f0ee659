namespace Postern.Storage;

/// <summary>What one read of the change log found for a watch.</summary>
/// <param name="Changes">The matching changes, in revision order.</param>
/// <param name="ScannedThrough">The revision up to which the log has been read; the next read starts after it.</param>
/// <param name="HasMore">Whether the page was full, so more changes may be waiting.</param>
internal sealed record WatchPage(IReadOnlyList<Change> Changes, long ScannedThrough, bool HasMore);
