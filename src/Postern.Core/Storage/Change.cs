namespace Postern.Storage;

/// <summary>One change streamed by <see cref="IBackend.WatchAsync"/>, in revision order.</summary>
/// <param name="Kind">Put or delete.</param>
/// <param name="Key">The key that changed.</param>
/// <param name="Value">The new value for a put; empty for a delete.</param>
/// <param name="Revision">The store-wide revision of this change.</param>
/// <param name="Expires">The new expiry for a put.</param>
public sealed record Change(ChangeKind Kind, string Key, ReadOnlyMemory<byte> Value, long Revision, DateTimeOffset? Expires);
