using System.Text;
using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// Schema version 3 keeps the audit events in a rowid table (version 2: WITHOUT ROWID): a version 2 file's events come
/// through the upgrade byte for byte, still found by chain, id and jti, and a chain position still cannot be taken twice.
/// </summary>
public sealed class SqliteAuditMigrationTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_version_2_files_audit_events_are_kept_byte_for_byte_in_a_rowid_table()
    {
        await using (var v2 = await ConnectAsync())
        {
            await SqliteSchema.MigrateAsync(v2, _folder.Database, CancellationToken.None, upTo: 2);
            Assert.Equal(2L, await ScalarAsync(v2, "PRAGMA user_version"));
            await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync(v2, "SELECT rowid FROM audit_events")); // WITHOUT ROWID
            for (var sequence = 1; sequence <= 3; sequence++)
                await InsertAsync(v2, "chain-b", sequence, $"0000000000000000{sequence:D3}-b", $"jti-b{sequence}");
            await InsertAsync(v2, "chain-a", 1, "0000000000000000002-a", "jti-a1");
        }

        await using (var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None))
        {
            var chain = await store.ReadChainAsync("chain-b", 0, 10, CancellationToken.None);
            Assert.Equal([1L, 2L, 3L], chain.Select(e => e.Sequence));
            Assert.Equal(Line("0000000000000000002-b", "jti-b2"), Encoding.UTF8.GetString(chain[1].Line));
            Assert.Equal(Previous(2), chain[1].Previous);
            Assert.Equal(Hash(2), chain[1].Hash);
            var found = await store.SearchAuditAsync(new AuditSearch { Jti = "jti-a1" }, CancellationToken.None);
            Assert.Equal("chain-a", Assert.Single(found).Chain);
            var newest = await store.SearchAuditAsync(new AuditSearch { Limit = 10 }, CancellationToken.None);
            Assert.Equal(["chain-b", "chain-a", "chain-b", "chain-b"], newest.Reverse().Select(e => e.Chain)); // by id
        }

        await using var v3 = await ConnectAsync();
        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(v3, "PRAGMA user_version"));
        Assert.Equal(4L, await ScalarAsync(v3, "SELECT count(rowid) FROM audit_events"));
        var taken = await Assert.ThrowsAsync<SqliteException>(() => InsertAsync(v3, "chain-b", 2, "0000000000000000009-b", "jti-again"));
        Assert.Contains("UNIQUE", taken.Message, StringComparison.Ordinal);
    }

    private static string Line(string id, string jti) =>
        """{"type":"jwt_svid.issued","time":"2026-12-06T16:00:00Z","id":""" + $"\"{id}\",\"jti\":\"{jti}\"" + ""","actor":{"kind":"bot","name":"ci"}}""";

    private static byte[] Previous(int sequence) => [.. Enumerable.Repeat((byte)(sequence - 1), 32)];

    private static byte[] Hash(int sequence) => [.. Enumerable.Repeat((byte)sequence, 32)];

    private async Task<SqliteConnection> ConnectAsync()
    {
        var connection = new SqliteConnection($"Data Source={_folder.Database};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task InsertAsync(SqliteConnection connection, string chain, long sequence, string id, string jti)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO audit_events (chain, sequence, time, type, actor, jti, id, previous, hash, line) "
            + "VALUES ($chain, $sequence, 0, 'jwt_svid.issued', 'ci', $jti, $id, $previous, $hash, $line)";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$jti", jti);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$previous", Previous((int)sequence));
        command.Parameters.AddWithValue("$hash", Hash((int)sequence));
        command.Parameters.AddWithValue("$line", Encoding.UTF8.GetBytes(Line(id, jti)));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
