using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>
/// Opens this backend's connections to one file, each set up the same way, and keeps a few idle read
/// connections. Microsoft.Data.Sqlite's own pool is off: it is shared by the whole process, so two
/// backends on one file would share connections and disposing one would clear the other's.
/// </summary>
internal sealed class SqliteConnectionSource : IDisposable
{
    private const int MaxIdleReaders = 4;

    private readonly string _connectionString;
    private readonly ConcurrentQueue<SqliteConnection> _idleReaders = new();
    private int _disposed;

    public SqliteConnectionSource(string path, bool readOnly)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString();
    }

    /// <summary>Opens a new connection, ready for use.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // busy_timeout: wait up to 5 s for another process's write lock instead of failing at once.
            // synchronous = FULL: in WAL mode NORMAL may lose the last commits on a power cut or an OS crash
            // (never on a process crash), and a write acknowledged to a caller (a session, a rotated key,
            // an issued token's audit) must not be lost, so every commit syncs the WAL. The cost is one
            // fsync per write, which the store's write rate (one per session or issuance) affords.
            await Statement.ExecuteAsync(connection, null, "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>An idle read connection, or a new one; give it back with <see cref="ReturnReader"/>.</summary>
    public Task<SqliteConnection> RentReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _idleReaders.TryDequeue(out var idle) ? Task.FromResult(idle) : OpenAsync(cancellationToken);
    }

    /// <summary>Keeps <paramref name="connection"/> for the next read, or closes it.</summary>
    public void ReturnReader(SqliteConnection connection)
    {
        if (Volatile.Read(ref _disposed) != 0 || _idleReaders.Count >= MaxIdleReaders)
        {
            connection.Dispose();
            return;
        }

        _idleReaders.Enqueue(connection);
        if (Volatile.Read(ref _disposed) != 0)
            CloseIdleReaders(); // disposed meanwhile: do not leave it open
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            CloseIdleReaders();
    }

    private void CloseIdleReaders()
    {
        while (_idleReaders.TryDequeue(out var connection))
            connection.Dispose();
    }
}
