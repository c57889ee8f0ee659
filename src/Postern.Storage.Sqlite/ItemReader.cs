using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>Reads live items: those without an expiry or whose expiry is after <c>now</c> (Unix milliseconds).</summary>
internal static class ItemReader
{
    public static async Task<Item?> GetAsync(SqliteConnection connection, string key, long now, CancellationToken cancellationToken)
    {
        await using var command = Statement.Create(
            connection,
            null,
            "SELECT key, value, revision, expires FROM items WHERE key = $key AND (expires IS NULL OR expires > $now)",
            ("$key", key),
            ("$now", now));
        var items = await StoredRows.ReadItemsAsync(command, cancellationToken);
        return items.Count == 0 ? null : items[0];
    }

    /// <summary>The live items under <paramref name="range"/>, ordered by ordinal (UTF-16) comparison of keys.</summary>
    public static async Task<IReadOnlyList<Item>> RangeAsync(SqliteConnection connection, PrefixRange range, long now, CancellationToken cancellationToken)
    {
        await using var command = Statement.Create(
            connection,
            null,
            range.Upper is null
                ? "SELECT key, value, revision, expires FROM items WHERE key >= $lower AND (expires IS NULL OR expires > $now)"
                : "SELECT key, value, revision, expires FROM items WHERE key >= $lower AND key < $upper AND (expires IS NULL OR expires > $now)",
            ("$lower", range.Lower),
            ("$upper", range.Upper),
            ("$now", now));
        var items = await StoredRows.ReadItemsAsync(command, cancellationToken);

        // SQLite orders by UTF-8 bytes (code points), which differs from .NET's ordinal order for
        // characters beyond U+FFFF against U+E000..U+FFFF; sort here so the promise is exact.
        items.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return items;
    }

    public static async Task<long> CurrentRevisionAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        await Statement.ScalarAsync(connection, null, "SELECT revision FROM store WHERE id = 1", cancellationToken) ?? 0;
}
