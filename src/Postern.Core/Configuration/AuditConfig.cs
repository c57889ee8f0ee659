namespace Postern.Configuration;

/// <summary>The <c>audit</c> section.</summary>
public sealed record AuditConfig
{
    /// <summary>How long events are kept; older chain segments are deleted after their checkpoint.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often the chain's head is sealed in a signed checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The file sink's JSON-lines file, when set.</summary>
    public string? FileSink { get; init; }

    /// <summary>The size at which the file sink rotates its file, in bytes.</summary>
    public long FileSinkMaxBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>How many rotated files the file sink keeps besides the one it writes.</summary>
    public int FileSinkKeep { get; init; } = 5;
}
