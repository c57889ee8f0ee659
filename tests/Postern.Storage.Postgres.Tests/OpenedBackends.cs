using Npgsql;

namespace Postern.Storage.Postgres.Tests;

/// <summary>Opens backends for a test and disposes every one of them afterwards, newest first.</summary>
internal sealed class OpenedBackends : IAsyncDisposable
{
    private readonly List<PostgresBackend> _opened = [];

    /// <summary>
    /// A backend on <paramref name="connectionString"/>, with no background sweeper and no watch poll unless
    /// <paramref name="configure"/> says otherwise, so that watches learn of changes through notifications alone.
    /// </summary>
    public async Task<PostgresBackend> OpenAsync(string connectionString, Func<PostgresBackendOptions, PostgresBackendOptions>? configure = null)
    {
        var options = new PostgresBackendOptions
        {
            ConnectionString = connectionString,
            SweepInterval = Timeout.InfiniteTimeSpan,
            WatchPollInterval = Timeout.InfiniteTimeSpan,
        };
        var backend = await PostgresBackend.OpenAsync(configure is null ? options : configure(options), CancellationToken.None);
        lock (_opened)
            _opened.Add(backend);
        return backend;
    }

    /// <summary><paramref name="connectionString"/> with the application name set, which names the backend's listener <c>{name}:watch</c>.</summary>
    public static string Named(string connectionString, string name) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString;

    /// <summary>The database that <paramref name="connectionString"/> names.</summary>
    public static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    public async ValueTask DisposeAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
            await _opened[i].DisposeAsync();
    }
}
