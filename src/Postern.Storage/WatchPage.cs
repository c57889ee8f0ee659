namespace Postern.Storage;

/// <summary>What one read of the change log found for a watch.</summary>
/// <param name="Changes">The matching changes, in revision order.</param>
/// <param name="ScannedThrough">The revision up to which the log has been read; the next read starts after it.</param>
/// <param name="HasMore">Whether the page was full, so more changes may be waiting.</param>
/// <param name="Behind">How many revisions the store held beyond <paramref name="ScannedThrough"/> when the page was read.</param>
internal sealed record WatchPage(IReadOnlyList<Change> Changes, long ScannedThrough, bool HasMore, long Behind = 0)
{
    /// <summary>
    /// The page that a read after revision <paramref name="after"/> of at most <paramref name="limit"/> changes
    /// found, all in one snapshot: <paramref name="changes"/> (the matching ones), the store's revision
    /// <paramref name="current"/> and the oldest revision the log keeps (<c>null</c> when it is empty). Without
    /// <paramref name="changes"/> read yet, it answers for a store with nothing after <paramref name="after"/>.
    /// </summary>
    /// <exception cref="WatchCompactedException">
    /// The log no longer holds revision <paramref name="after"/> + 1, or the store is behind <paramref name="after"/>.
    /// </exception>
    public static WatchPage From(IReadOnlyList<Change> changes, long after, long current, long? oldestKept, int limit)
    {
        if (current < after)
            throw new WatchCompactedException(after, current + 1, current);
        if (current == after)
            return new WatchPage([], after, HasMore: false);
        if (after + 1 < (oldestKept ?? current + 1))
            throw new WatchCompactedException(after, oldestKept ?? current + 1, current);

        var full = changes.Count == limit;
        var scanned = full ? changes[^1].Revision : current;
        return new WatchPage(changes, scanned, full, current - scanned);
    }
}
