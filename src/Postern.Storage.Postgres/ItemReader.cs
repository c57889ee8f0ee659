using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Reads live items: those without an expiry or whose expiry is after <c>now</c> (Unix milliseconds).</summary>
internal static class ItemReader
{
    private const string Columns = "SELECT key, value, revision, expires FROM postern_items";
    private const string Live = "(expires IS NULL OR expires > $2)";

    public static async Task<Item?> GetAsync(NpgsqlDataSource dataSource, string key, long now, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(dataSource, $"{Columns} WHERE key = $1 AND {Live}", key, now);
        var items = await StoredRows.ReadItemsAsync(command, cancellationToken);
        return items.Count == 0 ? null : items[0];
    }

    /// <summary>The live items under <paramref name="range"/>, ordered by ordinal (UTF-16) comparison of keys.</summary>
    public static async Task<IReadOnlyList<Item>> RangeAsync(NpgsqlDataSource dataSource, PrefixRange range, long now, CancellationToken cancellationToken)
    {
        await using var command = range.Upper is null
            ? Sql.Command(dataSource, $"{Columns} WHERE key >= $1 AND {Live}", range.Lower, now)
            : Sql.Command(dataSource, $"{Columns} WHERE key >= $1 AND {Live} AND key < $3", range.Lower, now, range.Upper);
        var items = await StoredRows.ReadItemsAsync(command, cancellationToken);

        // The "C" collation orders by UTF-8 bytes (code points), which differs from .NET's ordinal order for
        // characters beyond U+FFFF against U+E000..U+FFFF; sort here so the promise is exact.
        items.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return items;
    }

    public static async Task<long> CurrentRevisionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT revision FROM postern_revision WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidDataException("the store's revision row is missing"));
    }
}
