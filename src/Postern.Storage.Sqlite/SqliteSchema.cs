using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>
/// The store's tables, versioned with <c>PRAGMA user_version</c>: migration <c>n</c> takes a file from
/// version <c>n</c> to <c>n + 1</c>, and a new version only ever appends a migration.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int Version = 3;

    // Keys are TEXT with the BINARY collation: they compare as UTF-8 bytes, which PrefixRange relies on.
    // Times are Unix milliseconds. Revisions count from 1; 0 means "no write yet".
    private const string Version1 =
        """
        CREATE TABLE items (
            key      TEXT    NOT NULL PRIMARY KEY,
            value    BLOB    NOT NULL,
            revision INTEGER NOT NULL,
            expires  INTEGER NULL
        ) WITHOUT ROWID;
        CREATE INDEX items_by_expiry ON items (expires) WHERE expires IS NOT NULL;

        CREATE TABLE changes (
            revision INTEGER NOT NULL PRIMARY KEY,
            kind     INTEGER NOT NULL,
            key      TEXT    NOT NULL,
            value    BLOB    NULL,
            expires  INTEGER NULL
        );

        CREATE TABLE store (
            id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            revision INTEGER NOT NULL
        );
        INSERT INTO store (id, revision) VALUES (1, 0);
        """;

    // The audit log's tables (IAuditStore), apart from the items and the change log: an event is written once, here,
    // and never copied to the change log. Ids start with the event's time in ticks, so the id index serves time
    // ranges and paging; the others serve searches by type, actor and jti. audit_chains holds each chain's head,
    // so that followers find new events without scanning the events.
    private const string Version2 =
        """
        CREATE TABLE audit_events (
            chain    TEXT    NOT NULL,
            sequence INTEGER NOT NULL,
            time     INTEGER NOT NULL,
            type     TEXT    NOT NULL,
            actor    TEXT    NULL,
            jti      TEXT    NULL,
            id       TEXT    NOT NULL,
            previous BLOB    NOT NULL,
            hash     BLOB    NOT NULL,
            line     BLOB    NOT NULL,
            PRIMARY KEY (chain, sequence)
        ) WITHOUT ROWID;
        CREATE INDEX audit_events_by_id ON audit_events (id);
        CREATE INDEX audit_events_by_type ON audit_events (type, id);
        CREATE INDEX audit_events_by_actor ON audit_events (actor, id) WHERE actor IS NOT NULL;
        CREATE INDEX audit_events_by_jti ON audit_events (jti) WHERE jti IS NOT NULL;

        CREATE TABLE audit_chains (
            chain    TEXT    NOT NULL PRIMARY KEY,
            sequence INTEGER NOT NULL,
            hash     BLOB    NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE audit_checkpoints (
            chain     TEXT    NOT NULL,
            sequence  INTEGER NOT NULL,
            head      BLOB    NOT NULL,
            time      INTEGER NOT NULL,
            kid       TEXT    NOT NULL,
            signature BLOB    NOT NULL,
            PRIMARY KEY (chain, sequence)
        ) WITHOUT ROWID;
        """;

    // The audit events as a rowid table (version 2 kept them WITHOUT ROWID, keyed by chain and sequence). An event's
    // row is some 800 bytes, a fifth of a page, and a WITHOUT ROWID table (an index b-tree) keeps whole rows in its
    // interior pages too, five to a page:
    // with five rows a leaf and few keys an interior page, each group commit rewrote the table's path from its root
    // to its last leaf, some 24 pages of WAL a commit. Keyed by rowid, appends touch the last leaf and rarely a
    // parent; the chain's positions keep their uniqueness in an index of their own.
    private const string Version3 =
        """
        CREATE TABLE audit_events_by_rowid (
            chain    TEXT    NOT NULL,
            sequence INTEGER NOT NULL,
            time     INTEGER NOT NULL,
            type     TEXT    NOT NULL,
            actor    TEXT    NULL,
            jti      TEXT    NULL,
            id       TEXT    NOT NULL,
            previous BLOB    NOT NULL,
            hash     BLOB    NOT NULL,
            line     BLOB    NOT NULL
        );
        INSERT INTO audit_events_by_rowid (chain, sequence, time, type, actor, jti, id, previous, hash, line)
            SELECT chain, sequence, time, type, actor, jti, id, previous, hash, line FROM audit_events ORDER BY id, chain, sequence;
        DROP TABLE audit_events;
        ALTER TABLE audit_events_by_rowid RENAME TO audit_events;
        CREATE UNIQUE INDEX audit_events_by_position ON audit_events (chain, sequence);
        CREATE INDEX audit_events_by_id ON audit_events (id);
        CREATE INDEX audit_events_by_type ON audit_events (type, id);
        CREATE INDEX audit_events_by_actor ON audit_events (actor, id) WHERE actor IS NOT NULL;
        CREATE INDEX audit_events_by_jti ON audit_events (jti) WHERE jti IS NOT NULL;
        """;

    /// <summary>Reads the file's schema version.</summary>
    public static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (int)(await Statement.ScalarAsync(connection, transaction, "PRAGMA user_version", cancellationToken) ?? 0);

    /// <summary>Creates the schema on an empty file or brings an older one up to <see cref="Version"/>, in one transaction.</summary>
    /// <remarks><paramref name="upTo"/>, below <see cref="Version"/>, is for tests that make a file of an older version.</remarks>
    public static async Task MigrateAsync(SqliteConnection connection, string path, CancellationToken cancellationToken, int upTo = Version)
    {
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
        var found = await ReadVersionAsync(connection, transaction, cancellationToken);
        ThrowIfNewer(found, path);
        for (var version = found; version < upTo; version++)
            await Statement.ExecuteAsync(connection, transaction, Migration(version), cancellationToken);

        if (found < upTo)
            await Statement.ExecuteAsync(connection, transaction, $"PRAGMA user_version = {upTo}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Refuses a file written by a newer Postern, whose tables this build does not know.</summary>
    public static void ThrowIfNewer(int found, string path)
    {
        if (found > Version)
            throw new NotSupportedException($"the store '{path}' has schema version {found}, newer than the {Version} this Postern knows; upgrade Postern");
    }

    /// <summary>For a read-only open, which cannot migrate: refuses a file that is not a store of exactly this version.</summary>
    public static async Task ThrowUnlessCurrentAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        var found = await ReadVersionAsync(connection, null, cancellationToken);
        ThrowIfNewer(found, path);
        if (found == 0)
            throw new InvalidDataException($"'{path}' holds no Postern store");
        if (found != Version)
            throw new InvalidDataException($"the store '{path}' has schema version {found}; open it for writing once to upgrade it to {Version}");
    }

    private static string Migration(int fromVersion) => fromVersion switch
    {
        0 => Version1,
        1 => Version2,
        2 => Version3,
        _ => throw new InvalidOperationException($"no migration from schema version {fromVersion}"),
    };
}
