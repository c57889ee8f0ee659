using Postern.Storage.Conformance;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>The SQLite backend runs the whole conformance suite, each test on a new file in a folder of its own.</summary>
public sealed class SqliteBackendConformanceTests : BackendConformanceTests
{
    private readonly TempStoreFolder _folder = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    protected override async Task<IBackend> OpenAsync(TimeProvider time) =>
        await SqliteBackend.OpenAsync(Options(time), CancellationToken.None);

    // The same file through a second backend: separate connections, write gate and wake-ups, as a second
    // process would have; its watches see the first's writes only by polling the change log.
    protected override async Task<IBackend> OpenSecondClientAsync(IBackend first, TimeProvider time) =>
        await SqliteBackend.OpenAsync(Options(time), CancellationToken.None);

    protected override async Task<long> CountChangeLogRowsAsync(IBackend backend)
    {
        await using var connection = await OpenFileAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM changes";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override async Task<int> TamperAsync(IBackend backend, string sql, params object[] values)
    {
        await using var connection = await OpenFileAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("@p", "$p", StringComparison.Ordinal);
        for (var i = 0; i < values.Length; i++)
            command.Parameters.AddWithValue($"$p{i}", values[i]);
        return await command.ExecuteNonQueryAsync();
    }

    protected override Task SweepAsync(IBackend backend) =>
        ((SqliteBackend)backend).SweepExpiredAsync(CancellationToken.None);

    /// <summary>The store's file on a connection of its own, outside any backend.</summary>
    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenFileAsync()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_folder.Database};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    // No background sweeper: the suite moves a fake clock, which would tick it, and a sweep racing the test
    // would hide a read that fails to treat an expired item as absent. SqliteExpiryTests covers the sweeper.
    private SqliteBackendOptions Options(TimeProvider time) => new()
    {
        Path = _folder.Database,
        Time = time,
        SweepInterval = Timeout.InfiniteTimeSpan,
        WatchPollInterval = TimeSpan.FromMilliseconds(50),
    };
}
