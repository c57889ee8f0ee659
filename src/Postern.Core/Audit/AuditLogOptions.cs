using Postern.Storage;

namespace Postern.Audit;

/// <summary>Tuning for <see cref="AuditLog"/>.</summary>
public sealed record AuditLogOptions
{
    /// <summary>How many events one store write carries at most.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>
    /// How many events may wait for the store at most. Past it <see cref="AuditLog.AppendAsync"/> waits for room, up to
    /// <see cref="MaxQueueWait"/>, then throws <see cref="AuditLogBusyException"/>: memory stays bounded when the store is
    /// slower than the events, and no event is dropped without its caller knowing.
    /// </summary>
    public int MaxQueue { get; init; } = 4096;

    /// <summary>How long <see cref="AuditLog.AppendAsync"/> waits for room in a full queue before it gives up.</summary>
    public TimeSpan MaxQueueWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long events are kept (<c>audit.retention</c>): a retention pass deletes the chain segments sealed by a
    /// checkpoint older than this (<see cref="IAuditStore.DeleteAuditBeforeAsync"/>).
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often retention runs; <see cref="Timeout.InfiniteTimeSpan"/>: never on its own.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The folder of the log's journal (<see cref="AuditJournal"/>): events become durable there, one <c>fdatasync</c>
    /// per group, and reach the store's audit tables afterwards, in larger batches off the answer's path. <c>null</c>:
    /// no journal; each group is committed to the store before its callers are answered.
    /// </summary>
    public string? JournalFolder { get; init; }

    /// <summary>About how large a journal segment grows before the next begins.</summary>
    public long JournalSegmentBytes { get; init; } = 64L << 20;

    /// <summary>
    /// How many journaled events may wait for the store at most (held in memory until stored); past it the journal
    /// takes no more, so that the queue fills and <see cref="AuditLog.AppendAsync"/> refuses after
    /// <see cref="MaxQueueWait"/>.
    /// </summary>
    public int MaxUnindexed { get; init; } = 65_536;

    /// <summary>How many journaled events one store write carries at most.</summary>
    public int MaxIndexBatch { get; init; } = 4096;

    /// <summary>
    /// How long journaled events may wait for more before the indexer writes them to the store (unless a search waits
    /// for them, or the log is closing): the store's cost is mostly per transaction.
    /// </summary>
    public TimeSpan IndexDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a search waits for the journal's events to reach the store before it reads what is there.</summary>
    public TimeSpan MaxIndexWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the chain's head is sealed in a signed checkpoint, when it moved.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);
}
