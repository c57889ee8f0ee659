using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>
/// Postern's embedded store: one SQLite file in WAL mode holding the items, a store-wide revision
/// counter and a change log that watches replay and follow.
/// </summary>
/// <remarks>
/// Writes run one at a time on a thread of the backend's own (<see cref="WriteThread"/>) and are serialised
/// across processes by SQLite's write lock (<c>BEGIN IMMEDIATE</c>); each bumps the revision, changes the item
/// and appends its change in one transaction. Reads run on their own connections and never wait for a write. Watches end quietly
/// (the enumeration completes) when their token is cancelled, and throw <see cref="ObjectDisposedException"/>
/// when the backend is disposed under them.
/// </remarks>
public sealed class SqliteBackend : IBackend
{
    private const int SweepBatchSize = 256;

    private readonly SqliteBackendOptions _options;
    private readonly SqliteConnectionSource _connections;
    private readonly SqliteConnection? _writer;
    private readonly WriteThread? _writeThread;
    private readonly ChangeSignal _changed = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ChangeFeed _feed;
    private ExpirySweeper? _sweeper;
    private int _disposed;

    private SqliteBackend(SqliteBackendOptions options, SqliteConnectionSource connections, SqliteConnection? writer)
    {
        _options = options;
        _connections = connections;
        _writer = writer;
        _writeThread = writer is null ? null : new WriteThread($"sqlite writer {Path.GetFileName(options.Path)}");
        _feed = new ChangeFeed(connections, _changed, options.Time, options.WatchPollInterval, _disposing.Token);
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
        if (!options.ReadOnly && options.SweepInterval != Timeout.InfiniteTimeSpan)
            backend._sweeper = new ExpirySweeper(backend.SweepExpiredAsync, options.SweepInterval, options.Time);
        return backend;
    }

    /// <inheritdoc />
    public Task<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        var now = Now();
        return ReadAsync(connection => ItemReader.GetAsync(connection, key, now, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks><paramref name="prefix"/> follows the key rules; <c>/</c> ranges over the whole store.</remarks>
    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        var range = PrefixRange.For(prefix);
        var now = Now();
        return ReadAsync(connection => ItemReader.RangeAsync(connection, range, now, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection => ItemReader.CurrentRevisionAsync(connection, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return WriteAsync(scope => scope.PutAsync(key, value, expires, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        BatchPuts.ThrowIfInvalid(items, nameof(items));
        if (items.Count == 0)
            return CurrentRevisionAsync(cancellationToken);

        var copy = items.ToArray(); // the caller may change its list while the write waits for the gate
        return WriteAsync(scope => scope.PutBatchAsync(copy, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        return WriteAsync(
            async scope => await scope.LiveRevisionAsync(key, cancellationToken) == expectedRevision
                ? WriteResult.At(await scope.PutAsync(key, value, expires, cancellationToken))
                : WriteResult.Conflict,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        BatchPut[] items = [new BatchPut(key, value, expires), .. alongside];
        BatchPuts.ThrowIfInvalid(items, nameof(alongside));
        return WriteAsync(
            async scope => await scope.LiveRevisionAsync(key, cancellationToken) == expectedRevision
                ? WriteResult.At(await scope.PutBatchAsync(items, cancellationToken) - alongside.Count)
                : WriteResult.Conflict,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>An expired item counts as absent: this returns <c>false</c> and leaves it to the sweeper.</remarks>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return WriteAsync(
            async scope =>
            {
                if (await scope.LiveRevisionAsync(key, cancellationToken) == Revision.Absent)
                    return false;
                await scope.DeleteAsync(key, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedRevision"/> is not a revision (it is <see cref="Revision.Absent"/> or less).</exception>
    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedRevision);
        return WriteAsync(
            async scope => await scope.LiveRevisionAsync(key, cancellationToken) == expectedRevision
                ? WriteResult.At(await scope.DeleteAsync(key, cancellationToken))
                : WriteResult.Conflict,
            cancellationToken);
    }

    /// <summary>
    /// Deletes every item whose expiry has passed, each as its own revision with a
    /// <see cref="ChangeKind.Delete"/> change, and returns how many it deleted. The background sweeper
    /// calls this every <see cref="SqliteBackendOptions.SweepInterval"/>.
    /// </summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var deleted = await WriteAsync(
                async scope =>
                {
                    var keys = await scope.ExpiredKeysAsync(SweepBatchSize, cancellationToken);
                    foreach (var key in keys)
                        await scope.DeleteAsync(key, cancellationToken);
                    return keys.Count;
                },
                cancellationToken);
            total += deleted;
            if (deleted < SweepBatchSize)
                return total;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="prefix"/> follows the key rules. Writes through this backend wake the watch at once;
    /// writes by other processes are seen within <see cref="SqliteBackendOptions.WatchPollInterval"/>.
    /// Cancelling <paramref name="cancellationToken"/> (or the enumerator's token) completes the enumeration
    /// without an exception.
    /// </remarks>
    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        return _feed.FollowAsync(PrefixRange.For(prefix), afterRevision, cancellationToken);
    }

    /// <summary>Stops the sweeper, wakes watches (which then throw <see cref="ObjectDisposedException"/>) and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        await _disposing.CancelAsync();
        if (_sweeper is not null)
            await _sweeper.DisposeAsync();
        _changed.Notify(); // watches wake, find the backend disposed and throw

        if (_writeThread is not null)
            await _writeThread.StopAsync(); // the write in progress finishes; those queued behind it find the backend disposed
        if (_writer is not null)
            await _writer.DisposeAsync();
        _connections.Dispose();
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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

    private Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_writer is null || _writeThread is null)
            throw new InvalidOperationException($"the store '{_options.Path}' was opened read-only; it cannot be written");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        return _writeThread.RunAsync(async () =>
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            cancellationToken.ThrowIfCancellationRequested(); // cancelled while queued
            await using var transaction = _writer.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the file's write lock now
            var scope = new WriteScope(_writer, transaction, Now(), _options.ChangeLogRetention);
            var result = await write(scope);
            if (!scope.Wrote)
                return result; // nothing written: disposing the transaction rolls it back

            await transaction.CommitAsync(CancellationToken.None); // past this point the write is done; do not half-cancel it
            _changed.Notify();
            return result;
        });
    }

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();
}
