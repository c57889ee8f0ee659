using Postern.Storage.Conformance;
using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>The PostgreSQL backend runs the whole conformance suite, each store in a new database of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackendConformanceTests(PostgresServer server) : BackendConformanceTests
{
    protected override async Task<IBackend> OpenAsync(TimeProvider time) =>
        await PostgresBackend.OpenAsync(Options(await server.CreateDatabaseAsync(), time), CancellationToken.None);

    // The same database through a second backend: its own connections, listener and wake-ups, as a second
    // instance would have; its watches learn of the first's writes through LISTEN/NOTIFY only (no poll).
    protected override async Task<IBackend> OpenSecondClientAsync(IBackend first, TimeProvider time) =>
        await PostgresBackend.OpenAsync(Options(((PostgresBackend)first).Options.ConnectionString, time), CancellationToken.None);

    protected override async Task<long> CountChangeLogRowsAsync(IBackend backend)
    {
        await using var connection = new Npgsql.NpgsqlConnection(((PostgresBackend)backend).Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM postern_changes", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override async Task<int> TamperAsync(IBackend backend, string sql, params object[] values)
    {
        await using var connection = new Npgsql.NpgsqlConnection(((PostgresBackend)backend).Options.ConnectionString);
        await connection.OpenAsync();
        var text = sql.Replace("audit_", "postern_audit_", StringComparison.Ordinal);
        for (var i = values.Length - 1; i >= 0; i--)
            text = text.Replace($"@p{i}", $"${i + 1}", StringComparison.Ordinal);
        await using var command = new Npgsql.NpgsqlCommand(text, connection);
        foreach (var value in values)
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
        return await command.ExecuteNonQueryAsync();
    }

    protected override Task SweepAsync(IBackend backend) =>
        ((PostgresBackend)backend).SweepExpiredAsync(CancellationToken.None);

    // No background sweeper: the suite moves a fake clock, which would tick it, and a sweep racing the test
    // would hide a read that fails to treat an expired item as absent. PostgresExpiryTests covers the sweeper.
    private static PostgresBackendOptions Options(string connectionString, TimeProvider time) => new()
    {
        ConnectionString = connectionString,
        Time = time,
        SweepInterval = Timeout.InfiniteTimeSpan,
        WatchPollInterval = Timeout.InfiniteTimeSpan,
    };
}
