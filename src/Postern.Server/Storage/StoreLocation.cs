using Postern.Configuration;
using Postern.Storage;
using Postern.Storage.Sqlite;

namespace Postern.Server.Storage;

/// <summary>Opens the store that <c>postern.yaml</c> describes.</summary>
internal sealed class StoreLocation(PosternConfig config, TimeProvider time)
{
    /// <summary>The embedded store's file.</summary>
    public string SqlitePath { get; } = Path.Combine(config.DataDir, "postern.db");

    /// <summary>
    /// Runs <paramref name="inspect"/> on a read-only handle of the existing store, to check it before
    /// anything is written; does nothing when there is no store yet. SQLite makes an empty WAL file and
    /// a shared-memory index to read a WAL database; those it made are removed again, so that a refused
    /// start leaves the data folder exactly as it was.
    /// </summary>
    public async Task InspectExistingAsync(Func<IBackend, Task> inspect, CancellationToken cancellationToken)
    {
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
        Directory.CreateDirectory(config.DataDir);
        return await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqlitePath, Time = time }, cancellationToken).ConfigureAwait(false);
    }
}
