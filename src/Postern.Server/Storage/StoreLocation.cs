using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Postern.Configuration;
using Postern.Storage;
using Postern.Storage.Postgres;
using Postern.Storage.Sqlite;

namespace Postern.Server.Storage;

/// <summary>Opens the store that <c>postern.yaml</c> describes: the embedded SQLite file, or a PostgreSQL database.</summary>
internal sealed class StoreLocation(PosternConfig config, TimeProvider time, ILogger? logger = null)
{
    private bool IsPostgres => config.Storage.Type == StorageConfig.Postgres;

    /// <summary>The embedded store's file.</summary>
    public string SqlitePath { get; } = Path.Combine(config.DataDir, "postern.db");

    /// <summary>
    /// Runs <paramref name="inspect"/> on a read-only handle of the existing store, to check it before
    /// anything is written; does nothing when there is no store yet. SQLite makes an empty WAL file and
    /// a shared-memory index to read a WAL database; those it made are removed again, so that a refused
    /// start leaves the data folder exactly as it was.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL the handle is an ordinary one without a sweeper: opening it creates the store's empty
    /// tables in an empty database, which holds nothing to check and nothing that a later start would mind.
    /// </remarks>
    public async Task InspectExistingAsync(Func<IBackend, Task> inspect, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            var shared = await OpenPostgresAsync(sweep: false, cancellationToken).ConfigureAwait(false);
            await using (shared.ConfigureAwait(false))
            {
                await inspect(shared).ConfigureAwait(false);
            }

            return;
        }

        if (!File.Exists(SqlitePath))
        {
            return;
        }

        string[] companions = [SqlitePath + "-wal", SqlitePath + "-shm"];
        var absentBefore = companions.Where(path => !File.Exists(path)).ToList();
        try
        {
            var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqlitePath, ReadOnly = true, Time = time }, cancellationToken).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                await inspect(store).ConfigureAwait(false);
            }
        }
        finally
        {
            var wal = new FileInfo(companions[0]);
            if (!wal.Exists || wal.Length == 0)
            {
                absentBefore.ForEach(File.Delete);
            }
        }
    }

    /// <summary>The store, opened for writing (created and migrated as needed).</summary>
    public async Task<IBackend> OpenAsync(CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            // The instance that holds the leader lease sweeps (ClusterLeader), not every instance.
            return await OpenPostgresAsync(sweep: false, cancellationToken).ConfigureAwait(false);
        }

        PrivateFolder.Create(config.DataDir);
        return await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqlitePath, Time = time }, cancellationToken).ConfigureAwait(false);
    }

    private Task<PostgresBackend> OpenPostgresAsync(bool sweep, CancellationToken cancellationToken)
    {
        var options = new PostgresBackendOptions
        {
            ConnectionString = config.Storage.ConnString ?? throw new InvalidOperationException("storage.conn_string is required for postgres; the config loader checks it"),
            Time = time,
            Logger = logger ?? NullLogger.Instance,
        };
        return PostgresBackend.OpenAsync(sweep ? options : options with { SweepInterval = Timeout.InfiniteTimeSpan }, cancellationToken);
    }
}
