namespace Postern.Storage;

/// <summary>
/// Thrown by a watch asked to start at a revision whose changes the backend no longer keeps — or one the
/// store is now behind, because it lost writes the watcher had seen (a database restored from a backup, or
/// commits lost in a crash with PostgreSQL's <c>synchronous_commit</c> off): revisions handed out again would
/// otherwise pass the watcher by. The consumer re-reads what it follows with <see cref="IBackend.RangeAsync"/> and watches
/// again from <see cref="CurrentRevision"/>.
/// </summary>
public sealed class WatchCompactedException(long requested, long oldestKept, long currentRevision)
    : Exception($"the store no longer holds changes after revision {requested}; the oldest kept is {oldestKept}")
{
    /// <summary>The revision the watch was asked to resume after.</summary>
    public long Requested { get; } = requested;

    /// <summary>The oldest revision still kept in the change log.</summary>
    public long OldestKept { get; } = oldestKept;

    /// <summary>The store's revision when the watch was refused.</summary>
    public long CurrentRevision { get; } = currentRevision;
}
