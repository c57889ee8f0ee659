using Npgsql;
using Postern.Storage.Sqlite;

namespace Postern.Storage.Postgres;

/// <summary>
/// Postern's shared store on PostgreSQL, for several instances on one database: the items, a store-wide
/// revision counter and a change log that watches replay and follow, woken by <c>LISTEN/NOTIFY</c>.
/// </summary>
/// <remarks>
/// Every write locks the revision row first, so writers from every instance take turns and revisions
/// commit in order without gaps (see <see cref="WriteScope"/>); each bumps the revision, changes the items,
/// appends its changes and notifies in one transaction. Reads use pooled connections and never wait for a
/// write. Watches end quietly (the enumeration completes) when their token is cancelled, and throw
/// <see cref="ObjectDisposedException"/> when the backend is disposed under them.
/// </remarks>
public sealed class PostgresBackend : IBackend
{
    private const int SweepBatchSize = 256;

    private readonly PostgresBackendOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly ChangeSignal _changed = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ChangeFeed _feed;
    private readonly ChangeListener _listener;
    private ExpirySweeper? _sweeper;
    private int _disposed;

    private PostgresBackend(PostgresBackendOptions options, NpgsqlDataSource dataSource, NpgsqlDataSource listenSource)
    {
        _options = options;
        _dataSource = dataSource;
        _listenSource = listenSource;
        _feed = new ChangeFeed(dataSource, _changed, options.Time, options.WatchPollInterval, options.Logger, _disposing.Token);
        _listener = new ChangeListener(listenSource, _changed, options.Logger);
    }

    /// <summary>The options this backend was opened with.</summary>
    internal PostgresBackendOptions Options => _options;

    /// <summary>
    /// Connects to <see cref="PostgresBackendOptions.ConnectionString"/>, creates the store's tables or migrates
    /// older ones, and starts listening for changes and the expiry sweeper.
    /// </summary>
    /// <exception cref="NpgsqlException">The server cannot be reached or refuses the connection.</exception>
    /// <exception cref="NotSupportedException">The database holds a store of a newer schema version.</exception>
    /// <exception cref="InvalidDataException">The database does not store text as UTF-8.</exception>
    public static async Task<PostgresBackend> OpenAsync(PostgresBackendOptions options, CancellationToken cancellationToken)
    {
        PostgresBackendOptionsValidator.ThrowIfInvalid(options);
        // Postern keeps no session state on pooled connections (no SET, no temporary tables; LISTEN has a
        // connection of its own), so the DISCARD ALL that Npgsql sends when a connection goes back to the
        // pool is a round trip per use for nothing; an explicit setting in the connection string wins.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
        var pooled = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            pooled.NoResetOnClose = true;
        var dataSource = NpgsqlDataSource.Create(pooled);
        var listen = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = false, // held for the backend's life; a broken one is replaced, never reused
            KeepAlive = 15, // an idle LISTEN connection would not notice a silent network failure otherwise
        };
        listen.ApplicationName = $"{listen.ApplicationName ?? "postern"}:watch";
        var listenSource = NpgsqlDataSource.Create(listen);
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
                await PostgresSchema.MigrateAsync(connection, cancellationToken);
        }
        catch
        {
            await listenSource.DisposeAsync();
            await dataSource.DisposeAsync();
            throw;
        }

        var backend = new PostgresBackend(options, dataSource, listenSource);
        if (options.SweepInterval != Timeout.InfiniteTimeSpan)
            backend._sweeper = new ExpirySweeper(backend.SweepExpiredAsync, options.SweepInterval, options.Time);
        return backend;
    }

    /// <inheritdoc />
    public Task<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ThrowIfDisposed();
        return ItemReader.GetAsync(_dataSource, key, Now(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks><paramref name="prefix"/> follows the key rules; <c>/</c> ranges over the whole store.</remarks>
    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        ThrowIfDisposed();
        return ItemReader.RangeAsync(_dataSource, PrefixRange.For(prefix), Now(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return ItemReader.CurrentRevisionAsync(_dataSource, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return WriteAsync(null, scope => scope.PutAsync([new BatchPut(key, value, expires)], cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        BatchPuts.ThrowIfInvalid(items, nameof(items));
        if (items.Count == 0)
            return CurrentRevisionAsync(cancellationToken);
        var copy = items.ToArray(); // the caller may change its list while the write runs
        return WriteAsync(null, scope => scope.PutAsync(copy, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        return WriteAsync(
            key,
            async scope => scope.LiveRevision == expectedRevision
                ? WriteResult.At(await scope.PutAsync([new BatchPut(key, value, expires)], cancellationToken))
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
            key,
            async scope => scope.LiveRevision == expectedRevision
                ? WriteResult.At(await scope.PutAsync(items, cancellationToken) - alongside.Count)
                : WriteResult.Conflict,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>An expired item counts as absent: this returns <c>false</c> and leaves it to the sweeper.</remarks>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return WriteAsync(
            key,
            async scope =>
            {
                if (scope.LiveRevision == Revision.Absent)
                    return false;
                await scope.DeleteAsync([key], cancellationToken);
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
            key,
            async scope => scope.LiveRevision == expectedRevision
                ? WriteResult.At(await scope.DeleteAsync([key], cancellationToken))
                : WriteResult.Conflict,
            cancellationToken);
    }

    /// <summary>
    /// Deletes every item whose expiry has passed, each as its own revision with a
    /// <see cref="ChangeKind.Delete"/> change, and returns how many it deleted. The background sweeper
    /// calls this every <see cref="PostgresBackendOptions.SweepInterval"/>. Safe to run from several instances
    /// at once: sweeps take turns with every write, and each deletes only what is still there.
    /// </summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await AnyExpiredAsync(cancellationToken)) // checked without the write lock, which a sweep of nothing need not take
        {
            var deleted = await WriteAsync(
                null,
                async scope =>
                {
                    var keys = await scope.ExpiredKeysAsync(SweepBatchSize, cancellationToken);
                    if (keys.Count > 0)
                        await scope.DeleteAsync(keys, cancellationToken);
                    return keys.Count;
                },
                cancellationToken);
            total += deleted;
            if (deleted < SweepBatchSize)
                return total;
        }

        return total;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="prefix"/> follows the key rules. A commit by any instance wakes the watch through
    /// <c>LISTEN/NOTIFY</c>; the change log is also re-read every <see cref="PostgresBackendOptions.WatchPollInterval"/>.
    /// Cancelling <paramref name="cancellationToken"/> (or the enumerator's token) completes the enumeration
    /// without an exception.
    /// </remarks>
    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        return _feed.FollowAsync(PrefixRange.For(prefix), afterRevision, cancellationToken);
    }

    /// <summary>Stops the sweeper and the listener, wakes watches (which then throw <see cref="ObjectDisposedException"/>) and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        await _disposing.CancelAsync();
        if (_sweeper is not null)
            await _sweeper.DisposeAsync();
        await _listener.DisposeAsync();
        _changed.Notify(); // watches wake, find the backend disposed and throw
        await _listenSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<bool> AnyExpiredAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var command = Sql.Command(_dataSource, "SELECT EXISTS (SELECT 1 FROM postern_items WHERE expires <= $1)", Now());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction that holds the store's write lock, with the live revision
    /// of <paramref name="key"/> read under it; commits when it wrote and wakes this backend's watches.
    /// </summary>
    private async Task<T> WriteAsync<T>(string? key, Func<WriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var scope = await WriteScope.BeginAsync(connection, Now(), _options.ChangeLogRetention, key, cancellationToken);
        var result = await write(scope);
        if (!scope.Wrote)
            return result; // nothing written: disposing the transaction rolls it back and releases the lock

        await transaction.CommitAsync(CancellationToken.None); // past this point the write is done; do not half-cancel it
        _changed.Notify(); // this backend's watches need not wait for the notification's round trip
        return result;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();
}
