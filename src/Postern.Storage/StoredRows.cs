using System.Data.Common;

namespace Postern.Storage;

/// <summary>
/// Reads items and changes from the rows of the backends' queries, which select the stored columns in one order:
/// an item as <c>key, value, revision, expires</c>, a change as <c>revision, kind, key, value, expires</c>.
/// </summary>
internal static class StoredRows
{
    /// <summary>The items in every row of <paramref name="command"/>.</summary>
    public static async Task<List<Item>> ReadItemsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Item>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new Item(
                reader.GetString(0),
                reader.GetFieldValue<byte[]>(1),
                reader.GetInt64(2),
                UnixTime.FromMilliseconds(reader.IsDBNull(3) ? null : reader.GetInt64(3))));
        }

        return items;
    }

    /// <summary>The change in the current row of <paramref name="reader"/>, whose columns start at <paramref name="first"/>.</summary>
    public static Change ReadChange(DbDataReader reader, int first) =>
        new(
            StoredChangeKind.FromCode(reader.GetInt64(first + 1)),
            reader.GetString(first + 2),
            reader.IsDBNull(first + 3) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(first + 3),
            reader.GetInt64(first),
            UnixTime.FromMilliseconds(reader.IsDBNull(first + 4) ? null : reader.GetInt64(first + 4)));
}
