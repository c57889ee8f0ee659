using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>
/// The store's tables, versioned in <c>postern_schema</c>: migration <c>n</c> takes a database from version
/// <c>n</c> to <c>n + 1</c>, and a new version only ever appends a migration.
/// </summary>
/// <remarks>
/// Every instance migrates at start, in one transaction holding a transaction-scoped advisory lock, so that
/// instances starting together take turns: the first creates or upgrades the tables, the others then find
/// them current and change nothing. A failed migration rolls back whole.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int Version = 2;

    /// <summary>The advisory lock that serialises migrations: "postern" in ASCII, so no other application picks it by chance.</summary>
    private const long MigrationLock = 0x706F737465726E;

    private const string CreateVersionTable =
        """
        CREATE TABLE IF NOT EXISTS postern_schema (
            id      integer NOT NULL PRIMARY KEY CHECK (id = 1),
            version integer NOT NULL
        )
        """;

    // Keys are text in the "C" collation: they compare as UTF-8 bytes (code point order), which PrefixRange
    // relies on, whatever the database's default collation. Times are Unix milliseconds. Revisions count
    // from 1; 0 means "no write yet". postern_revision's single row is the store-wide revision counter.
    private const string Version1 =
        """
        CREATE TABLE postern_items (
            key      text COLLATE "C" NOT NULL PRIMARY KEY,
            value    bytea  NOT NULL,
            revision bigint NOT NULL,
            expires  bigint NULL
        );
        CREATE INDEX postern_items_by_expiry ON postern_items (expires) WHERE expires IS NOT NULL;

        CREATE TABLE postern_changes (
            revision bigint   NOT NULL PRIMARY KEY,
            kind     smallint NOT NULL,
            key      text COLLATE "C" NOT NULL,
            value    bytea    NULL,
            expires  bigint   NULL
        );

        CREATE TABLE postern_revision (
            id       integer NOT NULL PRIMARY KEY CHECK (id = 1),
            revision bigint  NOT NULL
        );
        INSERT INTO postern_revision (id, revision) VALUES (1, 0);
        """;

    // The audit log's tables (IAuditStore), apart from the items and the change log: an event is written once, here,
    // with no change-log row and no NOTIFY. Ids start with the event's time in ticks, so the id index serves time
    // ranges and paging; the others serve searches by type, actor and jti. postern_audit_chains holds each chain's
    // head, so that followers find new events without scanning the events.
    private const string Version2 =
        """
        CREATE TABLE postern_audit_events (
            chain    text COLLATE "C" NOT NULL,
            sequence bigint NOT NULL,
            time     bigint NOT NULL,
            type     text COLLATE "C" NOT NULL,
            actor    text COLLATE "C" NULL,
            jti      text COLLATE "C" NULL,
            id       text COLLATE "C" NOT NULL,
            previous bytea  NOT NULL,
            hash     bytea  NOT NULL,
            line     bytea  NOT NULL,
            PRIMARY KEY (chain, sequence)
        );
        CREATE INDEX postern_audit_events_by_id ON postern_audit_events (id);
        CREATE INDEX postern_audit_events_by_type ON postern_audit_events (type, id);
        CREATE INDEX postern_audit_events_by_actor ON postern_audit_events (actor, id) WHERE actor IS NOT NULL;
        CREATE INDEX postern_audit_events_by_jti ON postern_audit_events (jti) WHERE jti IS NOT NULL;

        CREATE TABLE postern_audit_chains (
            chain    text COLLATE "C" NOT NULL PRIMARY KEY,
            sequence bigint NOT NULL,
            hash     bytea  NOT NULL
        );

        CREATE TABLE postern_audit_checkpoints (
            chain     text COLLATE "C" NOT NULL,
            sequence  bigint NOT NULL,
            head      bytea  NOT NULL,
            time      bigint NOT NULL,
            kid       text   NOT NULL,
            signature bytea  NOT NULL,
            PRIMARY KEY (chain, sequence)
        );
        """;

    /// <summary>Creates the schema in an empty database or brings an older one up to <see cref="Version"/>.</summary>
    /// <exception cref="NotSupportedException">The database holds a store of a newer schema version.</exception>
    /// <exception cref="InvalidDataException">The database does not store text as UTF-8.</exception>
    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ThrowUnlessUtf8Async(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await ExecuteAsync(connection, CreateVersionTable, cancellationToken);
        await using (var read = new NpgsqlCommand("SELECT version FROM postern_schema WHERE id = 1", connection))
        {
            var found = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
            if (found > Version)
                throw new NotSupportedException($"the store in database '{connection.Database}' has schema version {found}, newer than the {Version} this Postern knows; upgrade Postern");
            if (found == Version)
                return; // current: the transaction rolls back, which only releases the lock

            for (var from = found; from < Version; from++)
                await ExecuteAsync(connection, Migration(from), cancellationToken);
        }

        await ExecuteAsync(
            connection,
            $"INSERT INTO postern_schema (id, version) VALUES (1, {Version}) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Keys and values are compared and returned as UTF-8; another server encoding would change them.</summary>
    private static async Task ThrowUnlessUtf8Async(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SHOW server_encoding", connection);
        var encoding = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (!string.Equals(encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"the database '{connection.Database}' uses the encoding {encoding}; Postern's store needs UTF8 (CREATE DATABASE … ENCODING 'UTF8')");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Migration(int fromVersion) => fromVersion switch
    {
        0 => Version1,
        1 => Version2,
        _ => throw new InvalidOperationException($"no migration from schema version {fromVersion}"),
    };
}
