namespace Postern.Audit;

/// <summary>Tuning for <see cref="AuditTally"/>.</summary>
public sealed record AuditTallyOptions
{
    /// <summary>How often the counts are written: one event per (address, reason) counted in the interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most (address, reason) pairs kept in memory; when one more would pass it, the counts are written at once
    /// (the caller waits for that), so memory stays bounded however many addresses send.
    /// </summary>
    public int MaxKeys { get; init; } = 10_000;
}
