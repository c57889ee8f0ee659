using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// How <see cref="AuditLog"/> keeps events with a journal. A thread of its own takes whatever events are queued when it
/// is free, makes them durable in the journal with one write and one <c>fdatasync</c> (group commit sized by the load)
/// and answers their callers. The indexer then writes the journaled groups to the store's audit tables, many groups to
/// a transaction, where they are chained, indexed and searched; a search first waits for what was journaled before it
/// (<see cref="WaitIndexedAsync"/>). Before any new group, the indexer recovers the segments a stopped process left.
/// </summary>
internal sealed class AuditJournalPipeline
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly ChannelReader<PendingAuditEvent> _queue;
    private readonly IAuditStore _tables;
    private readonly AuditLogOptions _options;
    private readonly string _folder;
    private readonly AuditJournal _journal;
    private readonly AuditMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<JournaledGroup> _unindexed;
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _recovered;
    private readonly Task<AuditJournalPosition?> _indexer;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _hurry = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closing;
    private long _journaledEvents;
    private long _indexedEvents;

    public AuditJournalPipeline(ChannelReader<PendingAuditEvent> queue, IAuditStore tables, AuditLogOptions options, AuditMetrics metrics, ILogger logger)
    {
        _queue = queue;
        _tables = tables;
        _options = options;
        _folder = options.JournalFolder ?? throw new ArgumentException("no journal folder", nameof(options));
        _metrics = metrics;
        _logger = logger;
        _journal = AuditJournal.Open(_folder, options.JournalSegmentBytes);
        _unindexed = Channel.CreateUnbounded<JournaledGroup>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _recovered = Task.Run(RecoverAsync);
        _indexer = Task.Run(IndexAsync);
        new Thread(Write) { IsBackground = true, Name = "audit journal" }.Start();
    }

    /// <summary>Events journaled and not yet in the store.</summary>
    public long Unindexed => Volatile.Read(ref _journaledEvents) - Volatile.Read(ref _indexedEvents);

    /// <summary>
    /// Waits until the events journaled before this call (and the recovered ones) are in the store, up to
    /// <see cref="AuditLogOptions.MaxIndexWait"/>: then a search of the store sees them.
    /// </summary>
    public async Task WaitIndexedAsync(CancellationToken cancellationToken)
    {
        var target = Volatile.Read(ref _journaledEvents);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.MaxIndexWait);
        try
        {
            await _recovered.WaitAsync(limit.Token).ConfigureAwait(false);
            while (true)
            {
                var progress = Volatile.Read(ref _progress);
                if (Volatile.Read(ref _indexedEvents) >= target)
                    return;
                Volatile.Read(ref _hurry).TrySetResult(); // a search waits: the indexer does not wait for more events
                await progress.Task.WaitAsync(limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The store is behind (or failing): the search reads what it holds.
        }
    }

    /// <summary>
    /// Once the queue is completed: waits for the writer to journal what was queued and for the indexer to store it,
    /// then closes the journal. A store that still fails then is tried no more; its events stay in the journal's
    /// segment, which the next start recovers.
    /// </summary>
    public async Task StopAsync()
    {
        Volatile.Write(ref _closing, true);
        await _written.Task.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        Volatile.Read(ref _hurry).TrySetResult();
        var indexed = await _indexer.ConfigureAwait(false);
        _journal.Close(indexed);
    }

    private void Write()
    {
        var batch = new List<PendingAuditEvent>(_options.MaxBatch);
        try
        {
            // A thread of its own: the fdatasync holds it for its whole time, which on the thread pool is a core taken
            // from the requests.
            while (BlockingRead.WaitToRead(_queue))
            {
                while (batch.Count < _options.MaxBatch && _queue.TryRead(out var next))
                    batch.Add(next);

                var items = batch.ConvertAll(p => p.Item);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                AuditJournalPosition position;
                try
                {
                    position = _journal.Append(items);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    batch.ForEach(p => p.Written.TrySetException(e)); // the actions are refused: their record was not kept
                    batch.Clear();
                    continue;
                }

                _metrics.Committed(batch.Count, started);
                Interlocked.Add(ref _journaledEvents, batch.Count); // before the callers go on: a search they start waits for it
                batch.ForEach(p => p.Written.TrySetResult());
                batch.Clear();
                _unindexed.Writer.TryWrite(new JournaledGroup(items, position));
                while (Unindexed > _options.MaxUnindexed && !Volatile.Read(ref _closing))
                    Thread.Sleep(10); // the store is far behind: the queue fills and, after a while, actions are refused
            }
        }
        finally
        {
            _unindexed.Writer.TryComplete();
            _written.TrySetResult();
        }
    }

    /// <summary>Writes the journaled groups to the store, in order; returns the position up to which they are stored.</summary>
    private async Task<AuditJournalPosition?> IndexAsync()
    {
        await _recovered.ConfigureAwait(false);
        var reader = _unindexed.Reader;
        var groups = new List<JournaledGroup>();
        var items = new List<BatchPut>(_options.MaxIndexBatch);
        AuditJournalPosition? indexed = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Events that wait a little go to the store in larger transactions: most of a store write's cost is per
            // transaction (its pages, its fsync), and nobody waits for it, unless a search or the log's end hurries it.
            var hurry = Volatile.Read(ref _hurry);
            if (Unindexed < _options.MaxIndexBatch && !_stopping.IsCancellationRequested)
                await Task.WhenAny(hurry.Task, Task.Delay(_options.IndexDelay)).ConfigureAwait(false);
            Interlocked.CompareExchange(ref _hurry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), hurry);

            while (items.Count < _options.MaxIndexBatch && reader.TryRead(out var group))
            {
                groups.Add(group);
                items.AddRange(group.Items);
            }

            if (!await StoreAsync(items).ConfigureAwait(false))
                return indexed; // stopping, and the store still fails: the segment stays for the next start

            var last = groups[^1].Position;
            AuditJournal.Indexed(groups.Select(g => g.Position.Segment).Prepend(indexed?.Segment), last);
            indexed = last;
            Interlocked.Add(ref _indexedEvents, items.Count);
            Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            groups.Clear();
            items.Clear();
        }

        return indexed;
    }

    /// <summary>
    /// Writes <paramref name="items"/> in one store write, trying again while it fails; <c>false</c> when it still
    /// fails once the pipeline is stopping. A write whose outcome is unknown is looked for before it is tried again:
    /// the events reach the store once.
    /// </summary>
    private async Task<bool> StoreAsync(List<BatchPut> items)
    {
        var wait = FirstRetry;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (attempt == 0 || !await StoredAsync(items[0].Value).ConfigureAwait(false))
                    await _tables.AppendAuditAsync(items, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.AuditIndexFailed(items.Count, e);
                if (_stopping.IsCancellationRequested)
                    return false;
                try
                {
                    await Task.Delay(wait, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // stopping: one more attempt
                }

                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    /// <summary>Whether the store holds the event <paramref name="line"/>.</summary>
    private async Task<bool> StoredAsync(ReadOnlyMemory<byte> line)
    {
        var id = AuditEvent.Parse(line.Span)?.Id ?? throw new InvalidDataException("a journaled line is not an audit event");
        var found = await _tables.SearchAuditAsync(new AuditSearch { Id = id, Limit = 1 }, CancellationToken.None).ConfigureAwait(false);
        return found.Count > 0;
    }

    /// <summary>
    /// Indexes what the store lacks of each segment no running journal holds, then deletes it. A segment's events reach
    /// the store in its order, so what it lacks is a tail: found by a binary search of the events' ids.
    /// </summary>
    private async Task RecoverAsync()
    {
        IReadOnlyList<AuditJournalOrphan> orphans;
        try
        {
            orphans = AuditJournal.ClaimOrphans(_folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.AuditJournalRecoveryFailed(_folder, e);
            return;
        }

        foreach (var orphan in orphans)
        {
            using (orphan)
            {
                try
                {
                    var events = orphan.ReadEvents();
                    int low = 0, high = events.Count; // events before low are stored; from high on, not
                    while (low < high)
                    {
                        var middle = low + ((high - low) / 2);
                        if (await StoredAsync(events[middle]).ConfigureAwait(false))
                            low = middle + 1;
                        else
                            high = middle;
                    }

                    for (var from = low; from < events.Count; from += _options.MaxIndexBatch)
                    {
                        var items = events.Skip(from).Take(_options.MaxIndexBatch).Select(AsItem).ToList();
                        if (!await StoreAsync(items).ConfigureAwait(false))
                            throw new IOException("the store refused the recovered events");
                    }

                    orphan.Delete();
                    _logger.AuditJournalRecovered(orphan.Path, events.Count - low, events.Count);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _logger.AuditJournalRecoveryFailed(orphan.Path, e);
                }
            }
        }
    }

    /// <summary>A journaled line as the store item the log would have written for it.</summary>
    private BatchPut AsItem(byte[] line)
    {
        var recorded = AuditEvent.Parse(line) ?? throw new InvalidDataException("a journaled line is not an audit event");
        return new BatchPut(AuditLog.KeyOf(recorded.Time, recorded.Id), line, recorded.Time + _options.Retention);
    }

    private sealed record JournaledGroup(List<BatchPut> Items, AuditJournalPosition Position);
}
