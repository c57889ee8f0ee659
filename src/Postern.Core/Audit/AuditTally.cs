using System.Globalization;
using System.Text.Json.Nodes;

namespace Postern.Audit;

/// <summary>
/// Counts events of one type that differ only in the client address and the reason — refusals of requests that
/// named nothing known, such as join tokens that do not exist — and records one event per (address, reason) and
/// interval, with <c>count</c>, <c>first</c> and <c>last</c>, instead of one per request: the audit log grows with
/// the addresses that send, not with what they send. Counts are exact: nothing is dropped; a write that fails puts
/// its counts back for the next one. Made by <see cref="AuditLog.CreateTally"/>; written every
/// <see cref="AuditTallyOptions.Interval"/>, before each search of the log, and on <see cref="DisposeAsync"/>.
/// </summary>
/// <remarks>
/// Counted events are in memory until written: a process that dies loses at most one interval of counts (of
/// refusals, which changed nothing).
/// </remarks>
public sealed class AuditTally : IAsyncDisposable
{
    private readonly AuditLog _log;
    private readonly TimeProvider _time;
    private readonly string _type;
    private readonly AuditTallyOptions _options;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer _timer;
    private Dictionary<(string Address, string Reason), Counted> _counts = [];
    private bool _disposed;

    internal AuditTally(AuditLog log, TimeProvider time, string type, AuditTallyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxKeys, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero);
        _log = log;
        _time = time;
        _type = type;
        _options = options;
        _timer = time.CreateTimer(_ => _ = FlushOnScheduleAsync(), null, options.Interval, options.Interval);
    }

    /// <summary>
    /// Counts one event from <paramref name="address"/> for <paramref name="reason"/>. Returns at once, unless the
    /// tally is full (it then writes its counts and waits for them) or disposed (it then records the event on its own).
    /// </summary>
    public async ValueTask CountAsync(string address, string reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        bool disposed;
        lock (_lock)
        {
            disposed = _disposed;
            if (!disposed)
            {
                var key = (address, reason);
                _counts[key] = _counts.TryGetValue(key, out var counted) ? counted.Add(1, now, now) : new Counted(1, now, now);
                if (_counts.Count < _options.MaxKeys)
                {
                    return;
                }
            }
        }

        if (disposed)
        {
            await _log.AppendAsync(_type, Fields(address, reason, new Counted(1, now, now)), cancellationToken).ConfigureAwait(false);
            return;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes what is counted, one event per (address, reason), and returns once the log holds them. Counts whose
    /// event could not be recorded are kept for the next write, and the first failure is thrown.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<(string Address, string Reason), Counted> taken;
            lock (_lock)
            {
                if (_counts.Count == 0)
                {
                    return;
                }

                taken = _counts;
                _counts = [];
            }

            // Not cancelled with the caller: an event that reached the log's queue is written whatever the caller
            // does, and putting its count back as well would count it twice.
            var writes = taken.Select(async pair =>
            {
                try
                {
                    await _log.AppendAsync(_type, Fields(pair.Key.Address, pair.Key.Reason, pair.Value), CancellationToken.None).ConfigureAwait(false);
                    return null;
                }
                catch (Exception e)
                {
                    PutBack(pair.Key, pair.Value);
                    return e;
                }
            }).ToList();
            if ((await Task.WhenAll(writes).ConfigureAwait(false)).FirstOrDefault(e => e is not null) is { } failure)
            {
                throw failure;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Stops the schedule and writes what is counted; events counted afterwards are recorded one by one.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task FlushOnScheduleAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The counts that failed are kept and written at the next tick, search or disposal.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void PutBack((string Address, string Reason) key, Counted counted)
    {
        lock (_lock)
        {
            _counts[key] = _counts.TryGetValue(key, out var since) ? since.Add(counted.Count, counted.First, counted.Last) : counted;
        }
    }

    /// <summary>The event's fields: written by Postern (the tally) for requests that named no one, from the address counted.</summary>
    private static JsonObject Fields(string address, string reason, Counted counted) => (AuditActor.System with { ClientAddr = address }).Stamp(new JsonObject
    {
        ["remote_addr"] = address,
        ["reason"] = reason,
        ["count"] = counted.Count,
        ["first"] = counted.First.ToString("O", CultureInfo.InvariantCulture),
        ["last"] = counted.Last.ToString("O", CultureInfo.InvariantCulture),
    });

    private readonly record struct Counted(long Count, DateTimeOffset First, DateTimeOffset Last)
    {
        public Counted Add(long count, DateTimeOffset first, DateTimeOffset last) =>
            new(Count + count, first < First ? first : First, last > Last ? last : Last);
    }
}
