using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>Reads the change log for watches.</summary>
internal static class ChangeLogReader
{
    /// <summary>
    /// The next changes under <paramref name="range"/> after revision <paramref name="after"/>, at most
    /// <paramref name="limit"/>, read in one snapshot so that the compaction check and the rows agree.
    /// </summary>
    /// <exception cref="WatchCompactedException">
    /// The log no longer holds revision <paramref name="after"/> + 1, or the store is behind <paramref name="after"/>.
    /// </exception>
    public static async Task<WatchPage> ReadPageAsync(SqliteConnection connection, PrefixRange range, long after, int limit, CancellationToken cancellationToken)
    {
        await using var snapshot = connection.BeginTransaction(deferred: true);
        var current = await Statement.ScalarAsync(connection, snapshot, "SELECT revision FROM store WHERE id = 1", cancellationToken) ?? 0;
        if (current <= after)
            return WatchPage.From([], after, current, null, limit); // nothing new: no need to read the log

        var oldestKept = await Statement.ScalarAsync(connection, snapshot, "SELECT MIN(revision) FROM changes", cancellationToken);
        var changes = await ReadChangesAsync(connection, snapshot, range, after, limit, cancellationToken);
        return WatchPage.From(changes, after, current, oldestKept, limit);
    }

    private static async Task<List<Change>> ReadChangesAsync(
        SqliteConnection connection, SqliteTransaction snapshot, PrefixRange range, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = Statement.Create(
            connection,
            snapshot,
            range.Upper is null
                ? "SELECT revision, kind, key, value, expires FROM changes WHERE revision > $after AND key >= $lower ORDER BY revision LIMIT $limit"
                : "SELECT revision, kind, key, value, expires FROM changes WHERE revision > $after AND key >= $lower AND key < $upper ORDER BY revision LIMIT $limit",
            ("$after", after),
            ("$lower", range.Lower),
            ("$upper", range.Upper),
            ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<Change>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(StoredRows.ReadChange(reader, 0));
        }

        return changes;
    }
}
