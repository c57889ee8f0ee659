using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Reads the change log for watches.</summary>
internal static class ChangeLogReader
{
    // One statement, so one snapshot: the store's revision, the oldest kept change and the rows agree. The
    // head row always comes back; the change columns are NULL when no change matches.
    private const string Page =
        """
        SELECT head.revision, (SELECT MIN(revision) FROM postern_changes), c.revision, c.kind, c.key, c.value, c.expires
        FROM postern_revision AS head
        LEFT JOIN LATERAL (
            SELECT revision, kind, key, value, expires FROM postern_changes
            WHERE revision > $1 AND key >= $2 AND ($3::text IS NULL OR key < $3)
            ORDER BY revision
            LIMIT $4
        ) AS c ON true
        WHERE head.id = 1
        ORDER BY c.revision
        """;

    /// <summary>
    /// The next changes under <paramref name="range"/> after revision <paramref name="after"/>, at most
    /// <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="WatchCompactedException">
    /// The log no longer holds revision <paramref name="after"/> + 1, or the store is behind <paramref name="after"/>.
    /// </exception>
    public static async Task<WatchPage> ReadPageAsync(NpgsqlDataSource dataSource, PrefixRange range, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(dataSource, Page, after, range.Lower, range.Upper, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<Change>();
        long current = 0;
        long? oldestKept = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            current = reader.GetInt64(0);
            oldestKept = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            if (reader.IsDBNull(2))
                continue;

            changes.Add(StoredRows.ReadChange(reader, 2));
        }

        return WatchPage.From(changes, after, current, oldestKept, limit);
    }
}
