using System.Net.Sockets;
using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>
/// Postern's shared store on PostgreSQL, for several instances on one database: the items, a store-wide
/// revision counter and a change log that watches replay and follow, woken by <c>LISTEN/NOTIFY</c>.
/// </summary>
/// <remarks>
/// Every write locks the revision row first, so writers from every instance take turns and revisions
/// commit in order without gaps (see <see cref="WriteScope"/>); each bumps the revision, changes the items,
/// appends its changes and notifies in one transaction. Reads use pooled connections and never wait for a
/// write. A commit by any instance wakes the watches through <c>LISTEN/NOTIFY</c>; the change log is also re-read
/// every <see cref="PostgresBackendOptions.WatchPollInterval"/>. Watches end quietly (the enumeration completes)
/// when their token is cancelled, and throw <see cref="ObjectDisposedException"/> when the backend is disposed
/// under them. Several instances may sweep expired items at once (<see cref="PostgresBackendOptions.SweepInterval"/>).
/// </remarks>
public sealed class PostgresBackend : ChangeLogBackend
{
    private readonly PostgresBackendOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly WatchPageReader _pages;
    private readonly ChangeListener _listener;
    private readonly AuditReader _audit;

    private PostgresBackend(PostgresBackendOptions options, NpgsqlDataSource dataSource, NpgsqlDataSource listenSource)
        : base(options.Time, options.WatchPollInterval)
    {
        _options = options;
        _dataSource = dataSource;
        _listenSource = listenSource;
        _pages = new WatchPageReader(dataSource, options.Logger, Disposing);
        _listener = new ChangeListener(listenSource, Changed, options.Logger);
        _audit = new AuditReader(dataSource);
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
        backend.StartSweeper(options.SweepInterval);
        return backend;
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown while opening or using the store, means that the server cannot
    /// be reached now (down, restarting, the network) rather than that something is wrongly configured (a wrong
    /// password, a missing database), which waiting cannot cure.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException or IOException,
        SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };

    /// <inheritdoc />
    private protected override Task<Item?> ReadItemAsync(string key, long now, CancellationToken cancellationToken) =>
        ItemReader.GetAsync(_dataSource, key, now, cancellationToken);

    /// <inheritdoc />
    private protected override Task<IReadOnlyList<Item>> ReadRangeAsync(PrefixRange range, long now, CancellationToken cancellationToken) =>
        ItemReader.RangeAsync(_dataSource, range, now, cancellationToken);

    /// <inheritdoc />
    private protected override Task<long> ReadRevisionAsync(CancellationToken cancellationToken) =>
        ItemReader.CurrentRevisionAsync(_dataSource, cancellationToken);

    /// <inheritdoc />
    private protected override Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, int limit, CancellationToken cancellationToken) =>
        _pages.TryReadPageAsync(range, after, limit, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Checked without the write lock, which a sweep of nothing need not take.</remarks>
    private protected override async Task<bool> AnyExpiredAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var command = Sql.Command(_dataSource, "SELECT EXISTS (SELECT 1 FROM postern_items WHERE expires <= $1)", Now());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction that holds the store's write lock, with the live revision
    /// of <paramref name="key"/> read under it; commits when it wrote and wakes this backend's watches.
    /// </summary>
    private protected override async Task<T> WriteAsync<T>(string? key, Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var scope = await WriteScope.BeginAsync(connection, Now(), _options.ChangeLogRetention, key, cancellationToken);
        var result = await write(scope);
        if (!scope.Wrote)
            return result; // nothing written: disposing the transaction rolls it back and releases the lock

        await transaction.CommitAsync(CancellationToken.None); // past this point the write is done; do not half-cancel it
        if (scope.ChangedItems)
            Changed.Notify(); // this backend's watches need not wait for the notification's round trip
        return result;
    }

    /// <inheritdoc />
    /// <remarks>Takes no lock: audit group commits and the store's writers never wait for each other.</remarks>
    private protected override async Task<T> WriteAuditAsync<T>(Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var scope = WriteScope.BeginAudit(connection, Now());
        var result = await write(scope);
        if (scope.Wrote)
            await transaction.CommitAsync(CancellationToken.None);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// No <c>BEGIN</c> and <c>COMMIT</c>: the rows and the chain's head go as one batch, which PostgreSQL runs as one
    /// implicit transaction, committed (and flushed to its WAL) before the answer comes back: one round trip.
    /// </remarks>
    private protected override async Task<T> AppendAuditOnlyAsync<T>(Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await write(WriteScope.BeginAudit(connection, Now()));
    }

    /// <inheritdoc />
    private protected override IAuditReader AuditReader => _audit;

    /// <inheritdoc />
    private protected override ValueTask StopWakersAsync() => _listener.DisposeAsync();

    /// <inheritdoc />
    private protected override async ValueTask CloseAsync()
    {
        await _listenSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
