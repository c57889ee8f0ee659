namespace Postern.Configuration;

/// <summary>The <c>audit</c> section.</summary>
public sealed record AuditConfig
{
    /// <summary>How long events are kept; older chain segments are deleted after their checkpoint.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often the chain's head is sealed in a signed checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether events are made durable in the instance's journal (<c>data_dir/audit-journal</c>) and copied to the store
    /// afterwards (<c>audit.journal</c>); <c>null</c>: yes on SQLite, no on PostgreSQL, where an instance that dies for
    /// good must leave every event of a returned token in the shared store (<see cref="JournalFor"/>).
    /// </summary>
    public bool? Journal { get; init; }

    /// <summary>Whether the journal is used with the store of <paramref name="storage"/>.</summary>
    public bool JournalFor(StorageConfig storage) => Journal ?? storage.Type == StorageConfig.Sqlite;

    /// <summary>The file sink's JSON-lines file, when set.</summary>
    public string? FileSink { get; init; }

    /// <summary>The size at which the file sink rotates its file, in bytes.</summary>
    public long FileSinkMaxBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>How many rotated files the file sink keeps besides the one it writes.</summary>
    public int FileSinkKeep { get; init; } = 5;
}
