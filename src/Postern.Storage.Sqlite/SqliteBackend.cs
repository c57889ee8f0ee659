using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>
/// Postern's embedded store: one SQLite file in WAL mode holding the items, a store-wide revision
/// counter and a change log that watches replay and follow.
/// </summary>
/// <remarks>
/// Writes run one at a time on a thread of the backend's own (<see cref="WriteThread"/>) and are serialised
/// across processes by SQLite's write lock (<c>BEGIN IMMEDIATE</c>); each bumps the revision, changes the item
/// and appends its change in one transaction. Reads run on their own connections and never wait for a write.
/// Writes through this backend wake its watches at once; writes by other processes are seen within
/// <see cref="SqliteBackendOptions.WatchPollInterval"/>. Watches end quietly (the enumeration completes) when their
/// token is cancelled, and throw <see cref="ObjectDisposedException"/> when the backend is disposed under them.
/// </remarks>
public sealed class SqliteBackend : ChangeLogBackend
{
    private readonly SqliteBackendOptions _options;
    private readonly SqliteConnectionSource _connections;
    private readonly SqliteConnection? _writer;
    private readonly WriteThread? _writeThread;
    private readonly AuditReader _audit;

    private SqliteBackend(SqliteBackendOptions options, SqliteConnectionSource connections, SqliteConnection? writer)
        : base(options.Time, options.WatchPollInterval)
    {
        _options = options;
        _connections = connections;
        _writer = writer;
        _writeThread = writer is null ? null : new WriteThread($"sqlite writer {Path.GetFileName(options.Path)}");
        _audit = new AuditReader(connections);
    }

    /// <summary>Whether a store file exists at <paramref name="path"/>, i.e. whether a read-only open can succeed.</summary>
    public static bool Exists(string path) => File.Exists(path);

    /// <summary>
    /// Opens the store at <see cref="SqliteBackendOptions.Path"/>. For writing, creates the file and its schema
    /// or migrates an older schema, and starts the expiry sweeper. Read-only, changes nothing in the file.
    /// </summary>
    /// <exception cref="FileNotFoundException">Read-only, and the file does not exist.</exception>
    /// <exception cref="NotSupportedException">The file was written by a newer schema version.</exception>
    /// <exception cref="InvalidDataException">Read-only, and the file holds no store of this schema version.</exception>
    public static async Task<SqliteBackend> OpenAsync(SqliteBackendOptions options, CancellationToken cancellationToken)
    {
        SqliteBackendOptionsValidator.ThrowIfInvalid(options);
        var path = Path.GetFullPath(options.Path);
        options = options with { Path = path };
        if (options.ReadOnly && !File.Exists(path))
            throw new FileNotFoundException($"there is no store at '{path}' to open read-only", path);

        var connections = new SqliteConnectionSource(path, options.ReadOnly);
        SqliteConnection? writer = null;
        try
        {
            if (options.ReadOnly)
            {
                await using var reader = await connections.OpenAsync(cancellationToken);
                await SqliteSchema.ThrowUnlessCurrentAsync(reader, path, cancellationToken);
            }
            else
            {
                OwnerOnlyFiles.Prepare(path);
                writer = await connections.OpenAsync(cancellationToken);
                await Statement.ExecuteAsync(writer, null, "PRAGMA journal_mode = WAL", cancellationToken);
                OwnerOnlyFiles.Restrict(path);
                await SqliteSchema.MigrateAsync(writer, path, cancellationToken);
            }
        }
        catch
        {
            writer?.Dispose();
            connections.Dispose();
            throw;
        }

        var backend = new SqliteBackend(options, connections, writer);
        if (!options.ReadOnly)
            backend.StartSweeper(options.SweepInterval);
        return backend;
    }

    /// <inheritdoc />
    private protected override Task<Item?> ReadItemAsync(string key, long now, CancellationToken cancellationToken) =>
        ReadAsync(connection => ItemReader.GetAsync(connection, key, now, cancellationToken), cancellationToken);

    /// <inheritdoc />
    private protected override Task<IReadOnlyList<Item>> ReadRangeAsync(PrefixRange range, long now, CancellationToken cancellationToken) =>
        ReadAsync(connection => ItemReader.RangeAsync(connection, range, now, cancellationToken), cancellationToken);

    /// <inheritdoc />
    private protected override Task<long> ReadRevisionAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection => ItemReader.CurrentRevisionAsync(connection, cancellationToken), cancellationToken);

    /// <inheritdoc />
    private protected override async Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, int limit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposing.IsCancellationRequested, this);
        var connection = await _connections.RentReaderAsync(cancellationToken);
        try
        {
            return await ChangeLogReader.ReadPageAsync(connection, range, after, limit, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _connections.ReturnReader(connection);
        }
    }

    /// <inheritdoc />
    /// <remarks>The write waits for those queued before it on the backend's <see cref="WriteThread"/>.</remarks>
    /// <exception cref="InvalidOperationException">The store was opened read-only.</exception>
    private protected override Task<T> WriteAsync<T>(string? key, Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_writer is null || _writeThread is null)
            throw new InvalidOperationException($"the store '{_options.Path}' was opened read-only; it cannot be written");
        ThrowIfDisposed();

        return _writeThread.RunAsync(async () =>
        {
            ThrowIfDisposed();
            cancellationToken.ThrowIfCancellationRequested(); // cancelled while queued
            await using var transaction = _writer.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the file's write lock now
            var scope = new WriteScope(_writer, transaction, Now(), _options.ChangeLogRetention, key);
            var result = await write(scope);
            if (!scope.Wrote)
                return result; // nothing written: disposing the transaction rolls it back

            await transaction.CommitAsync(CancellationToken.None); // past this point the write is done; do not half-cancel it
            if (scope.ChangedItems)
                Changed.Notify(); // audit events alone wake no watch
            return result;
        });
    }

    /// <inheritdoc />
    /// <remarks>On SQLite every write holds the file's lock: the same as <see cref="WriteAsync"/>.</remarks>
    private protected override Task<T> WriteAuditAsync<T>(Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAsync(null, write, cancellationToken);

    /// <inheritdoc />
    private protected override IAuditReader AuditReader => _audit;

    /// <inheritdoc />
    private protected override async ValueTask CloseAsync()
    {
        if (_writeThread is not null)
            await _writeThread.StopAsync(); // the write in progress finishes; those queued behind it find the backend disposed
        if (_writer is not null)
            await _writer.DisposeAsync();
        _connections.Dispose();
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        var connection = await _connections.RentReaderAsync(cancellationToken);
        try
        {
            return await read(connection);
        }
        finally
        {
            _connections.ReturnReader(connection);
        }
    }
}
