using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// The audit log, kept in the store's audit tables (<see cref="IAuditStore"/>), apart from its items and change log.
/// <see cref="AppendAsync"/> returns once the event is durable; the writer takes whatever events are queued when it
/// is free and makes them durable together (group commit sized by the load, with no delay), so that recording
/// every assertion and issuance costs one commit per burst rather than one per event. With a journal
/// (<see cref="AuditLogOptions.JournalFolder"/>) that commit is one <c>fdatasync</c> of the journal, and the events
/// reach the store's tables in larger batches afterwards (<see cref="AuditJournalPipeline"/>); without, it is a
/// transaction of the store. The store links the events into its hash chain; the log seals signed checkpoints of the
/// chain's head every <see cref="AuditLogOptions.CheckpointInterval"/> and when disposed, and logs each as a witness.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    /// <summary>The prefix of every audit key.</summary>
    public const string Prefix = "/audit/";

    private readonly IBackend _store;
    private readonly TimeProvider _time;
    private readonly AuditLogOptions _options;
    private readonly Channel<PendingAuditEvent> _queue;
    private readonly List<AuditTally> _tallies = [];
    private readonly Task? _writer;
    private readonly AuditJournalPipeline? _journal;
    private readonly IAuditCheckpointSigner? _signer;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sealing = new(1, 1);
    private readonly ITimer? _checkpointTimer;
    private readonly ITimer? _retentionTimer;
    private AuditChainHead? _sealed;
    private readonly AuditMetrics _metrics;

    /// <summary>
    /// Starts the log's writer over <paramref name="store"/>. With <paramref name="signer"/>, seals checkpoints of the
    /// store's chain and logs each to <paramref name="logger"/>.
    /// </summary>
    public AuditLog(IBackend store, TimeProvider time, AuditLogOptions? options = null, IAuditCheckpointSigner? signer = null, ILogger? logger = null)
    {
        _store = store;
        _time = time;
        _options = options ?? new AuditLogOptions();
        _signer = signer;
        _logger = logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxQueue, 1);
        _queue = Channel.CreateBounded<PendingAuditEvent>(new BoundedChannelOptions(_options.MaxQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _metrics = new AuditMetrics(() => _queue.Reader.Count, () => _journal?.Unindexed ?? 0);
        if (_options.JournalFolder is not null && store is IAuditStore journaled)
            _journal = new AuditJournalPipeline(_queue.Reader, journaled, _options, _metrics, _logger);
        else
            _writer = Task.Run(WriteAsync);
        if (signer is not null && store is IAuditStore)
            _checkpointTimer = time.CreateTimer(_ => _ = SealOnScheduleAsync(), null, _options.CheckpointInterval, _options.CheckpointInterval);
        if (store is IAuditStore && _options.RetentionInterval != Timeout.InfiniteTimeSpan)
            _retentionTimer = time.CreateTimer(_ => _ = ApplyRetentionOnScheduleAsync(), null, _options.RetentionInterval, _options.RetentionInterval);
    }

    /// <summary>The store's audit tables, or an error naming the store that has none.</summary>
    private IAuditStore Tables => _store as IAuditStore
        ?? throw new InvalidOperationException($"the store {_store.GetType().Name} keeps no audit tables");

    /// <summary>
    /// Records an event of <paramref name="type"/> with <paramref name="fields"/> (serialized at once; the caller
    /// must not change them afterwards) and returns it once the store holds it. Throws when the store refuses the
    /// write, and with <see cref="AuditLogBusyException"/> when the queue stays full for
    /// <see cref="AuditLogOptions.MaxQueueWait"/>: an action whose record cannot be kept should not go ahead.
    /// </summary>
    public async Task<AuditEvent> AppendAsync(string type, JsonObject fields, CancellationToken cancellationToken)
    {
        var (item, recorded) = Prepare(type, fields);
        var pending = new PendingAuditEvent(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            await EnqueueAsync(pending, cancellationToken).ConfigureAwait(false);
        }

        await pending.Written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <summary>
    /// A tally of <paramref name="type"/> events (<see cref="AuditTally"/>): written every
    /// <see cref="AuditTallyOptions.Interval"/>, before every search of this log, and when the tally is disposed.
    /// </summary>
    public AuditTally CreateTally(string type, AuditTallyOptions? options = null)
    {
        var tally = new AuditTally(this, _time, type, options ?? new AuditTallyOptions());
        lock (_tallies)
        {
            _tallies.Add(tally);
        }

        return tally;
    }

    /// <summary>
    /// An event of <paramref name="type"/> as a store item under <see cref="Prefix"/>, not yet written: for a caller
    /// that writes it in the same transaction as the change it records (<see cref="IBackend.CompareAndSwapWithAsync"/>
    /// or <see cref="IBackend.PutBatchAsync"/>), so that the change and its record exist together or not at all,
    /// whenever the process dies. The store puts it in its audit chain, not among its items.
    /// </summary>
    public (BatchPut Item, AuditEvent Event) Prepare(string type, JsonObject fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var now = _time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks:D19}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        var recorded = new AuditEvent(type, now, id, fields);
        return (new BatchPut(KeyOf(now, id), recorded.ToUtf8(), now + _options.Retention), recorded);
    }

    /// <summary>
    /// The events that match <paramref name="query"/>: the newest <see cref="AuditQuery.Limit"/> (before
    /// <see cref="AuditQuery.Before"/>, the id where the previous page began), oldest first. Type, time, <c>actor</c>
    /// and <c>jti</c> are looked up in the store's indexes; other fields are matched on the events read, page by page.
    /// </summary>
    public async Task<IReadOnlyList<AuditEvent>> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);

        // What this instance has counted so far is written first, and what it journaled is in the store, so that a
        // search sees them.
        foreach (var tally in Tallies())
        {
            await tally.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_journal is not null)
        {
            await _journal.WaitIndexedAsync(cancellationToken).ConfigureAwait(false);
        }

        var fields = new Dictionary<string, string>(query.FieldEquals);
        fields.Remove("jti", out var jti);
        fields.Remove("actor", out var actor);
        var search = new AuditSearch
        {
            Type = query.Type,
            Jti = jti,
            Actor = actor,
            FromId = query.Since is { } since ? IdBound(since) : null,
            BeforeId = Earlier(query.Before, query.Until is { } until ? IdBound(until) : null),
            Limit = fields.Count == 0 ? query.Limit : Math.Max(query.Limit, 256),
        };
        var found = new List<AuditEvent>();
        while (found.Count < query.Limit)
        {
            var page = await Tables.SearchAuditAsync(search, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page)
            {
                if (AuditEvent.Parse(stored.Line) is { } e && fields.All(f => e.Fields[f.Key] is JsonValue value && value.TryGetValue<string>(out var text) && text == f.Value) && found.Count < query.Limit)
                {
                    found.Add(e);
                }
            }

            if (page.Count < search.Limit || fields.Count == 0)
            {
                break;
            }

            search = search with { BeforeId = AuditEvent.Parse(page[^1].Line)?.Id ?? throw new InvalidDataException("the audit table holds a line that is not an audit event") };
        }

        found.Reverse();
        return found;
    }

    /// <summary>
    /// Seals a checkpoint of the store's chain now, when it moved since the last one and a signer is set: stores it and
    /// logs its head as a witness. Returns the checkpoint, or <c>null</c> when there was nothing to seal.
    /// </summary>
    public async Task<AuditCheckpoint?> SealCheckpointAsync(CancellationToken cancellationToken)
    {
        if (_signer is null || _store is not IAuditStore tables)
        {
            return null;
        }

        await _sealing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (tables.Head is not { } head || (_sealed is { } last && last.Chain == head.Chain && last.Sequence == head.Sequence))
            {
                return null;
            }

            var checkpoint = AuditCheckpoints.Seal(head, _time.GetUtcNow(), _signer);
            await tables.WriteCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            _sealed = head;
            _logger.AuditCheckpointSealed(checkpoint.Chain, checkpoint.Sequence, Convert.ToHexStringLower(checkpoint.Head), checkpoint.Time, checkpoint.Kid);
            return checkpoint;
        }
        finally
        {
            _sealing.Release();
        }
    }

    /// <summary>
    /// Deletes the chain segments sealed by a checkpoint older than <see cref="AuditLogOptions.Retention"/>, keeping that
    /// checkpoint as the anchor the rest of each chain is verified from; returns how many events it deleted.
    /// </summary>
    public async Task<int> ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var before = _time.GetUtcNow() - _options.Retention;
        var deleted = await Tables.DeleteAuditBeforeAsync(before, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            _logger.AuditRetentionApplied(deleted, before);
        }

        return deleted;
    }

    /// <summary>Writes what is queued, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var tally in Tallies())
        {
            await tally.DisposeAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        await (_journal?.StopAsync() ?? _writer!).ConfigureAwait(false);
        if (_checkpointTimer is not null)
        {
            await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_retentionTimer is not null)
        {
            await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await SealCheckpointAsync(CancellationToken.None).ConfigureAwait(false); // the chain's last head, at shutdown
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.AuditCheckpointFailed(e);
        }
        _metrics.Dispose();
    }

    /// <summary>Waits for room in the full queue, up to <see cref="AuditLogOptions.MaxQueueWait"/> and while the caller waits.</summary>
    private async Task EnqueueAsync(PendingAuditEvent pending, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(_options.MaxQueueWait, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            await _queue.Writer.WriteAsync(pending, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AuditLogBusyException(
                string.Create(CultureInfo.InvariantCulture, $"the audit log is busy: {_options.MaxQueue} events have waited for the store for {_options.MaxQueueWait.TotalSeconds:0.#} s; the event was not recorded"),
                _options.MaxQueueWait);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(AuditLog));
        }
    }

    private AuditTally[] Tallies()
    {
        lock (_tallies)
        {
            return [.. _tallies];
        }
    }

    /// <summary>The store key of the event <paramref name="id"/> recorded at <paramref name="time"/>.</summary>
    internal static string KeyOf(DateTimeOffset time, string id) =>
        Prefix + time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + id;

    /// <summary>The ids of events at <paramref name="time"/> start with this; those before it sort below it.</summary>
    private static string IdBound(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static string? Earlier(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) <= 0 ? a : b;

    private async Task ApplyRetentionOnScheduleAsync()
    {
        try
        {
            await ApplyRetentionAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.AuditRetentionFailed(e);
        }
    }

    private async Task SealOnScheduleAsync()
    {
        try
        {
            await SealCheckpointAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.AuditCheckpointFailed(e); // the next interval tries again
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<PendingAuditEvent>(_options.MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var items = batch.ConvertAll(p => p.Item);
                await (_store is IAuditStore tables ? tables.AppendAuditAsync(items, CancellationToken.None) : _store.PutBatchAsync(items, CancellationToken.None)).ConfigureAwait(false);
                _metrics.Committed(batch.Count, started);
                batch.ForEach(p => p.Written.TrySetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Written.TrySetException(e));
            }

            batch.Clear();
        }
    }
}
