using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// The audit log, kept in the store under <c>/audit/&lt;day&gt;/&lt;id&gt;</c>. <see cref="AppendAsync"/> returns
/// once the event is durable; events appended at the same moment share one store write and one store item,
/// a line each (group commit), so that recording every assertion and issuance costs one write per burst
/// rather than one per event.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    /// <summary>The prefix of every audit key.</summary>
    public const string Prefix = "/audit/";

    private readonly IBackend _store;
    private readonly TimeProvider _time;
    private readonly AuditLogOptions _options;
    private readonly Channel<Pending> _queue;
    private readonly List<AuditTally> _tallies = [];
    private readonly Task _writer;
    private readonly AuditMetrics _metrics;

    /// <summary>Starts the log's writer over <paramref name="store"/>.</summary>
    public AuditLog(IBackend store, TimeProvider time, AuditLogOptions? options = null)
    {
        _store = store;
        _time = time;
        _options = options ?? new AuditLogOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxQueue, 1);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.MaxQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _metrics = new AuditMetrics(() => _queue.Reader.Count);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Records an event of <paramref name="type"/> with <paramref name="fields"/> (serialized at once; the caller
    /// must not change them afterwards) and returns it once the store holds it. Throws when the store refuses the
    /// write, and with <see cref="AuditLogBusyException"/> when the queue stays full for
    /// <see cref="AuditLogOptions.MaxQueueWait"/>: an action whose record cannot be kept should not go ahead.
    /// </summary>
    public async Task<AuditEvent> AppendAsync(string type, JsonObject fields, CancellationToken cancellationToken)
    {
        var (item, recorded) = Prepare(type, fields);
        var pending = new Pending(item.Key, item.Value.ToArray(), item.Expires!.Value, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
    /// An event of <paramref name="type"/> as a store item of its own, not yet written: for a caller that writes it
    /// in the same transaction as the change it records (<see cref="IBackend.CompareAndSwapWithAsync"/>), so that
    /// the change and its record exist together or not at all, whenever the process dies.
    /// </summary>
    public (BatchPut Item, AuditEvent Event) Prepare(string type, JsonObject fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var now = _time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks:D19}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        var recorded = new AuditEvent(type, now, id, fields);
        return (new BatchPut(KeyOf(now, id), recorded.ToUtf8(), now + _options.Retention), recorded);
    }

    /// <summary>The events that match <paramref name="query"/>: the newest <see cref="AuditQuery.Limit"/>, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // What this instance has counted so far is written first, so that a search sees it.
        foreach (var tally in Tallies())
        {
            await tally.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var prefixes = new List<string>();
        if (query.Since is { } since)
        {
            var last = (query.Until ?? _time.GetUtcNow()).UtcDateTime.Date;
            for (var day = since.UtcDateTime.Date; day <= last && prefixes.Count <= 3660; day = day.AddDays(1))
            {
                prefixes.Add(Prefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/");
            }
        }
        else
        {
            prefixes.Add(Prefix);
        }

        var found = new List<AuditEvent>();
        foreach (var prefix in prefixes)
        {
            foreach (var item in await _store.RangeAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                // One item holds the events of one group commit, a line each.
                var rest = item.Value.Span;
                while (rest.Length > 0)
                {
                    var end = rest.IndexOf((byte)'\n');
                    var line = end < 0 ? rest : rest[..end];
                    rest = end < 0 ? default : rest[(end + 1)..];
                    if (AuditEvent.Parse(line) is { } e && Matches(e, query))
                    {
                        found.Add(e);
                    }
                }
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return found.Count <= query.Limit ? found : found.GetRange(found.Count - query.Limit, query.Limit);
    }

    /// <summary>Writes what is queued, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var tally in Tallies())
        {
            await tally.DisposeAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _metrics.Dispose();
    }

    /// <summary>Waits for room in the full queue, up to <see cref="AuditLogOptions.MaxQueueWait"/> and while the caller waits.</summary>
    private async Task EnqueueAsync(Pending pending, CancellationToken cancellationToken)
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

    private static string KeyOf(DateTimeOffset time, string id) =>
        Prefix + time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + id;

    private static bool Matches(AuditEvent e, AuditQuery query) =>
        (query.Type is null || e.Type == query.Type)
        && (query.Since is null || e.Time >= query.Since)
        && (query.Until is null || e.Time < query.Until)
        && query.FieldEquals.All(f => e.Fields[f.Key] is JsonValue value && value.TryGetValue<string>(out var text) && text == f.Value);

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_options.MaxBatch);
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
                await _store.PutBatchAsync(Group(batch), CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>
    /// The store items of one group commit: the events of each day in one item, a line each, at the key of the day's
    /// first event. One item per commit rather than per event keeps the store's work (rows, change log, watches) flat
    /// as the rate of events grows.
    /// </summary>
    private static List<BatchPut> Group(List<Pending> batch)
    {
        var items = new List<BatchPut>();
        for (var start = 0; start < batch.Count;)
        {
            var day = batch[start].Key[..(Prefix.Length + "yyyy-MM-dd/".Length)];
            var end = start + 1;
            while (end < batch.Count && batch[end].Key.StartsWith(day, StringComparison.Ordinal))
            {
                end++;
            }

            var value = new byte[batch.Skip(start).Take(end - start).Sum(p => p.Line.Length + 1) - 1];
            var at = 0;
            for (var i = start; i < end; i++)
            {
                if (i > start)
                {
                    value[at++] = (byte)'\n';
                }

                batch[i].Line.CopyTo(value, at);
                at += batch[i].Line.Length;
            }

            items.Add(new BatchPut(batch[start].Key, value, batch.Skip(start).Take(end - start).Max(p => p.Expires)));
            start = end;
        }

        return items;
    }

    private sealed record Pending(string Key, byte[] Line, DateTimeOffset Expires, TaskCompletionSource Written);
}
