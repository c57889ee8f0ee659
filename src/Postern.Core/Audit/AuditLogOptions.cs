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

    /// <summary>How often the chain's head is sealed in a signed checkpoint, when it moved.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);
}
