using System.Text;
using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>What the SQLite file holds across opens: data, schema version, journal mode.</summary>
public sealed class SqliteFileTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Items_revisions_expiries_and_the_change_log_survive_closing_and_reopening()
    {
        var expires = new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using (var store = await Open())
        {
            await store.PutAsync("/a", Encoding.UTF8.GetBytes("alpha"), null, CancellationToken.None);
            await store.PutAsync("/b", new byte[] { 0, 1, 2, 255 }, expires, CancellationToken.None);
            await store.PutAsync("/c", Encoding.UTF8.GetBytes("gone soon"), null, CancellationToken.None);
            await store.DeleteAsync("/c", CancellationToken.None);
        }

        await using var reopened = await Open();

        Assert.Equal(4, await reopened.CurrentRevisionAsync(CancellationToken.None));
        var items = await reopened.RangeAsync("/", CancellationToken.None);
        Assert.Equal(["/a", "/b"], items.Select(i => i.Key));
        Assert.Equal(("alpha", 1L, (DateTimeOffset?)null), (Encoding.UTF8.GetString(items[0].Value.Span), items[0].Revision, items[0].Expires));
        Assert.Equal([0, 1, 2, 255], items[1].Value.ToArray());
        Assert.Equal((2L, (DateTimeOffset?)expires), (items[1].Revision, items[1].Expires));

        var history = new List<Change>();
        await foreach (var change in reopened.WatchAsync("/", 0, CancellationToken.None))
        {
            history.Add(change);
            if (history.Count == 4)
                break;
        }

        Assert.Equal([ChangeKind.Put, ChangeKind.Put, ChangeKind.Put, ChangeKind.Delete], history.Select(c => c.Kind));
        Assert.Equal(5, await reopened.PutAsync("/d", Encoding.UTF8.GetBytes("next"), null, CancellationToken.None));
    }

    [Fact]
    public async Task Opening_for_writing_creates_the_schema_at_the_current_version_in_wal_mode()
    {
        await using (await Open())
        {
        }

        await using var connection = new SqliteConnection($"Data Source={_folder.Database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        Assert.True(SqliteSchema.Version >= 1);
        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(connection, "PRAGMA user_version"));
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Opening_again_keeps_the_schema_and_the_data()
    {
        await using (var store = await Open())
            await store.PutAsync("/kept", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
        await using (await Open())
        {
        }

        await using var reopened = await Open();
        Assert.NotNull(await reopened.GetAsync("/kept", CancellationToken.None));
    }

    [Fact]
    public async Task A_file_with_a_newer_schema_version_is_refused_and_left_alone()
    {
        await using (await Open())
        {
        }

        await SetUserVersionAsync(SqliteSchema.Version + 1);

        await Assert.ThrowsAsync<NotSupportedException>(() => Open());
        await Assert.ThrowsAsync<NotSupportedException>(
            () => SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, ReadOnly = true }, CancellationToken.None));
    }

    [Fact]
    public async Task Opening_creates_the_file_when_it_is_missing()
    {
        Assert.False(SqliteBackend.Exists(_folder.Database));

        await using (await Open())
        {
        }

        Assert.True(SqliteBackend.Exists(_folder.Database));
    }

    private Task<SqliteBackend> Open() =>
        SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);

    private async Task SetUserVersionAsync(int version)
    {
        await using var connection = new SqliteConnection($"Data Source={_folder.Database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version}";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
