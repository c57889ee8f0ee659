namespace Postern.Audit;

/// <summary>
/// The audit log's queue stayed full (the store is slower than the events coming in) for as long as
/// <see cref="AuditLogOptions.MaxQueueWait"/>: the event was not recorded, so the action it records must not go
/// ahead. A web server answers it 503 with <c>Retry-After</c> (<see cref="RetryAfter"/>).
/// </summary>
public sealed class AuditLogBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>A wait after which the queue may have room again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
