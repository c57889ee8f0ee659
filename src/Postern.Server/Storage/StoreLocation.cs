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
    /// A read-only handle on the existing store, to check it before anything is written;
    /// <c>null</c> when there is no store yet.
    /// </summary>
    public async Task<IBackend?> OpenExistingReadOnlyAsync(CancellationToken cancellationToken) =>
        File.Exists(SqlitePath)
            ? await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqlitePath, ReadOnly = true, Time = time }, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The store, opened for writing (created and migrated as needed).</summary>
    public async Task<IBackend> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(config.DataDir);
        return await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqlitePath, Time = time }, cancellationToken).ConfigureAwait(false);
    }
}
