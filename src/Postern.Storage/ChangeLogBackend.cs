namespace Postern.Storage;

/// <summary>
/// What Postern's SQL backends share: items, a store-wide revision counter and a change log that watches replay
/// and follow. This part holds the key rules, the conditional writes in terms of one write transaction
/// (<see cref="IWriteScope"/>), the expiry sweep, the watch loop and the order of disposal; each backend brings its
/// SQL, its connections and how its writes take turns.
/// </summary>
/// <remarks>
/// Watches end quietly (the enumeration completes) when their token is cancelled, and throw
/// <see cref="ObjectDisposedException"/> when the backend is disposed under them. Only the backends of this
/// repository derive from it.
/// </remarks>
public abstract class ChangeLogBackend : IBackend, IAuditStore
{
    private const int SweepBatchSize = 256;

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ChangeFeed _feed;
    private readonly AuditChain _chain = new();
    private readonly StoreMetrics _metrics;
    private ExpirySweeper? _sweeper;
    private int _disposed;

    private protected ChangeLogBackend(TimeProvider time, TimeSpan watchPollInterval)
    {
        _time = time;
        _metrics = new StoreMetrics(this);
        _feed = new ChangeFeed(TryReadPageAsync, Changed, time, watchPollInterval, _disposing.Token, _metrics);
    }

    /// <summary>Wakes this backend's watches; a write notifies it once committed.</summary>
    private protected ChangeSignal Changed { get; } = new();

    /// <summary>Cancelled when the backend is disposed.</summary>
    private protected CancellationToken Disposing => _disposing.Token;

    /// <inheritdoc />
    public Task<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ThrowIfDisposed();
        return _metrics.TimeAsync("get", () => ReadItemAsync(key, Now(), cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks><paramref name="prefix"/> follows the key rules; <c>/</c> ranges over the whole store.</remarks>
    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        ThrowIfDisposed();
        return _metrics.TimeAsync("range", () => ReadRangeAsync(PrefixRange.For(prefix), Now(), cancellationToken));
    }

    /// <inheritdoc />
    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _metrics.TimeAsync("revision", () => ReadRevisionAsync(cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>A key under <c>/audit/</c> is an audit event: see <see cref="PutBatchAsync"/>.</remarks>
    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return _metrics.TimeAsync("put", () => PutItemsAsync([new BatchPut(key, value, expires)], cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Items under <c>/audit/</c> are audit events (lines of JSON with <c>type</c>, <c>time</c> and <c>id</c>): they go
    /// to this store's audit chain in the same transaction, take no revision, add no change-log row and wake no watch
    /// (<see cref="IAuditStore"/>). A batch of only audit events returns the current revision.
    /// </remarks>
    public Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        BatchPuts.ThrowIfInvalid(items, nameof(items));
        if (items.Count == 0)
            return CurrentRevisionAsync(cancellationToken);

        return _metrics.TimeAsync("put_batch", () => PutItemsAsync(items, cancellationToken));
    }

    /// <summary>Writes <paramref name="items"/> (checked), state and audit events apart: see <see cref="PutBatchAsync"/>.</summary>
    private Task<long> PutItemsAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        var (state, events) = AuditItems.Split(items); // copies: the caller may change its list while the write waits for its turn
        return WriteRecordedAsync(
            null,
            state.Length > 0,
            events,
            nameof(items),
            async scope => (state.Length == 0 ? await scope.StoreRevisionAsync(cancellationToken) : await scope.PutAsync(state, cancellationToken), true),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        CompareAndSwapWithAsync(key, expectedRevision, value, expires, [], cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Audit events in <paramref name="alongside"/> (keys under <c>/audit/</c>) join this store's audit chain in the
    /// same transaction when the swap succeeds, and not at all when it does not; they take no revision, so the
    /// other items take the revisions after <paramref name="key"/>'s.
    /// </remarks>
    public Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        AuditItems.ThrowIfEvent(key, nameof(key));
        BatchPut[] items = [new BatchPut(key, value, expires), .. alongside];
        BatchPuts.ThrowIfInvalid(items, nameof(alongside));
        var (state, events) = AuditItems.Split(items);
        return _metrics.TimeAsync(alongside.Count == 0 ? "compare_and_swap" : "compare_and_swap_with", () => WriteRecordedAsync(
            key,
            true,
            events,
            nameof(alongside),
            async scope => await scope.LiveRevisionAsync(cancellationToken) == expectedRevision
                ? (WriteResult.At(await scope.PutAsync(state, cancellationToken) - (state.Length - 1)), true)
                : (WriteResult.Conflict, false),
            cancellationToken));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An item of <paramref name="events"/> is not under <c>/audit/</c>.</exception>
    public Task AppendAuditAsync(IReadOnlyList<BatchPut> events, CancellationToken cancellationToken)
    {
        BatchPuts.ThrowIfInvalid(events, nameof(events));
        var (state, audited) = AuditItems.Split(events);
        if (state.Length > 0)
            throw new ArgumentException($"'{state[0].Key}' is not under {Postern.Audit.AuditLog.Prefix}: only audit events are appended here", nameof(events));
        if (audited.Length == 0)
            return Task.CompletedTask;
        return _metrics.TimeAsync("append_audit", () => WriteRecordedAsync(null, false, audited, nameof(events), _ => Task.FromResult((true, true)), cancellationToken, appendOnly: true));
    }

    /// <inheritdoc />
    public string ChainId => _chain.Id;

    /// <inheritdoc />
    public AuditChainHead? Head => _chain.Head;

    /// <inheritdoc />
    public Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteAuditAsync(async scope => { await scope.WriteCheckpointAsync(checkpoint, cancellationToken); return true; }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteAuditBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAuditAsync(scope => scope.DeleteAuditBeforeAsync(before.ToUnixTimeMilliseconds(), cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredAuditEvent>> SearchAuditAsync(AuditSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        ThrowIfDisposed();
        return AuditReader.SearchAsync(search, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditChainHead>> AuditHeadsAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return AuditReader.HeadsAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(chain);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ThrowIfDisposed();
        return AuditReader.ReadChainAsync(chain, afterSequence, limit, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditCheckpoint>> AuditCheckpointsAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return AuditReader.CheckpointsAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>An expired item counts as absent: this returns <c>false</c> and leaves it to the sweeper.</remarks>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        return _metrics.TimeAsync("delete", () => WriteAsync(
            key,
            async scope =>
            {
                if (await scope.LiveRevisionAsync(cancellationToken) == Revision.Absent)
                    return false;
                await scope.DeleteAsync([key], cancellationToken);
                return true;
            },
            cancellationToken));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedRevision"/> is not a revision (it is <see cref="Revision.Absent"/> or less).</exception>
    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedRevision);
        return _metrics.TimeAsync("compare_and_delete", () => WriteAsync(
            key,
            async scope => await scope.LiveRevisionAsync(cancellationToken) == expectedRevision
                ? WriteResult.At(await scope.DeleteAsync([key], cancellationToken))
                : WriteResult.Conflict,
            cancellationToken));
    }

    /// <summary>
    /// Deletes every item whose expiry has passed, each as its own revision with a
    /// <see cref="ChangeKind.Delete"/> change, and returns how many it deleted. The background sweeper
    /// calls this every sweep interval of the backend's options. Safe to run from several processes at once:
    /// sweeps take turns with every write, and each deletes only what is still there.
    /// </summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await AnyExpiredAsync(cancellationToken))
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
    /// <paramref name="prefix"/> follows the key rules. Writes through this backend wake the watch at once; how
    /// writes made elsewhere are seen is the backend's to say. Cancelling <paramref name="cancellationToken"/>
    /// (or the enumerator's token) completes the enumeration without an exception.
    /// </remarks>
    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        StoreKey.ThrowIfInvalid(prefix, nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        return _feed.FollowAsync(PrefixRange.For(prefix), afterRevision, cancellationToken);
    }

    /// <summary>Stops the sweeper, wakes watches (which then throw <see cref="ObjectDisposedException"/>) and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        await _disposing.CancelAsync();
        if (_sweeper is not null)
            await _sweeper.DisposeAsync();
        await StopWakersAsync();
        Changed.Notify(); // watches wake, find the backend disposed and throw
        await CloseAsync();
        _metrics.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="write"/>, and when it says so (<c>Record</c>), appends <paramref name="events"/> to this
    /// store's audit chain in the same transaction: positions are handed out under the chain's turn, and the head
    /// moves once the transaction has committed. A write that may have reached the store and failed ends the chain.
    /// </summary>
    private async Task<T> WriteRecordedAsync<T>(string? key, bool changesItems, BatchPut[] events, string parameterName, Func<IWriteScope, Task<(T Result, bool Record)>> write, CancellationToken cancellationToken, bool appendOnly = false)
    {
        if (events.Length == 0)
            return (await WriteAsync(key, write, cancellationToken)).Result;

        ThrowIfDisposed();
        using var turn = await _chain.TakeTurnAsync(cancellationToken);
        var rows = _chain.Link(events, parameterName);
        var recorded = false;
        try
        {
            async Task<(T, bool)> WithEvents(IWriteScope scope)
            {
                var (result, record) = await write(scope);
                if (record)
                {
                    recorded = true;
                    await scope.AppendAuditAsync(rows, cancellationToken);
                }

                return (result, record);
            }

            var (result, _) = changesItems || key is not null
                ? await WriteAsync(key, WithEvents, cancellationToken)
                : appendOnly
                    ? await AppendAuditOnlyAsync(WithEvents, cancellationToken)
                    : await WriteAuditAsync(WithEvents, cancellationToken);
            if (recorded)
                _chain.Advance(rows);
            return result;
        }
        catch when (recorded)
        {
            _chain.Restart(); // the rows may or may not be stored: never hand their positions out again
            throw;
        }
    }

    /// <summary>Starts the background sweeper, unless <paramref name="interval"/> is <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    private protected void StartSweeper(TimeSpan interval)
    {
        if (interval != Timeout.InfiniteTimeSpan)
            _sweeper = new ExpirySweeper(SweepExpiredAsync, interval, _time);
    }

    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>The store's clock, as expiry times are kept: Unix milliseconds.</summary>
    private protected long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The live item at <paramref name="key"/>.</summary>
    private protected abstract Task<Item?> ReadItemAsync(string key, long now, CancellationToken cancellationToken);

    /// <summary>The live items under <paramref name="range"/>, ordered by ordinal (UTF-16) comparison of keys.</summary>
    private protected abstract Task<IReadOnlyList<Item>> ReadRangeAsync(PrefixRange range, long now, CancellationToken cancellationToken);

    /// <summary>The store's revision.</summary>
    private protected abstract Task<long> ReadRevisionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The next page of the change log for a watch, or <c>null</c> when <paramref name="cancellationToken"/> is
    /// cancelled; throws <see cref="ObjectDisposedException"/> once <see cref="Disposing"/> is cancelled.
    /// </summary>
    private protected abstract Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction that holds the store's write lock, with the live revision of
    /// <paramref name="key"/> (when given) read under it; commits when it wrote and notifies <see cref="Changed"/>.
    /// </summary>
    private protected abstract Task<T> WriteAsync<T>(string? key, Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/>, which touches only the audit tables, in a transaction that need not hold the
    /// store's write lock (the items and their revision are not touched); commits when it wrote and wakes no watch.
    /// </summary>
    private protected abstract Task<T> WriteAuditAsync<T>(Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/>, which only appends audit rows (<see cref="IWriteScope.AppendAuditAsync"/>, itself
    /// atomic), where a backend can do it with less than a transaction of its own; by default, <see cref="WriteAuditAsync"/>.
    /// </summary>
    private protected virtual Task<T> AppendAuditOnlyAsync<T>(Func<IWriteScope, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAuditAsync(write, cancellationToken);

    /// <summary>Reads the audit tables.</summary>
    private protected abstract IAuditReader AuditReader { get; }

    /// <summary>Whether a sweep may find anything, checked before it takes the write lock; by default, always.</summary>
    private protected virtual Task<bool> AnyExpiredAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Stops what wakes watches besides this backend's own writes, before they are woken for the last time.</summary>
    private protected virtual ValueTask StopWakersAsync() => ValueTask.CompletedTask;

    /// <summary>Closes the connections, once the sweeper has stopped and the watches were woken.</summary>
    private protected abstract ValueTask CloseAsync();
}
