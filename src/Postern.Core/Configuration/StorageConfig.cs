namespace Postern.Configuration;

/// <summary>The <c>storage</c> section.</summary>
public sealed record StorageConfig
{
    /// <summary>The embedded store (the default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL server, for several instances.</summary>
    public const string Postgres = "postgres";

    /// <summary><see cref="Sqlite"/> or <see cref="Postgres"/>.</summary>
    public string Type { get; init; } = Sqlite;

    /// <summary>The connection string, for <see cref="Postgres"/>.</summary>
    public string? ConnString { get; init; }
}
