namespace Postern.Audit;

/// <summary>Tuning for <see cref="AuditLog"/>.</summary>
public sealed record AuditLogOptions
{
    /// <summary>How many events one store write carries at most.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>How long events are kept; the store expires them after this.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(365);
}
