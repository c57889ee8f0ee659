using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Postern.Audit;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// The audit log under a store slower than its events: the queue is bounded, a caller past it waits and is then
/// refused with <see cref="AuditLogBusyException"/>, and no event is dropped without its caller being told.
/// </summary>
public sealed class AuditBackPressureTests : IDisposable
{
    private static readonly AuditLogOptions Tight = new() { MaxBatch = 1, MaxQueue = 2, MaxQueueWait = TimeSpan.FromSeconds(5) };
    private readonly TempStoreFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_full_queue_makes_append_wait_then_refuse_and_every_accepted_event_is_written()
    {
        await using var sqlite = await OpenAsync();
        var store = new GatedBackend(sqlite, open: false);
        await using var log = new AuditLog(store, _time, Tight);
        using var opened = new Opener(store);

        // One event is in the writer's hands, stuck in the store; two more fill the queue.
        var first = Append(log, 1);
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = new[] { Append(log, 2), Append(log, 3) };

        var waiting = Append(log, 4);
        using var leaving = new CancellationTokenSource();
        var cancelled = Append(log, 5, leaving.Token);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, $"the append past the bound did not wait: {waiting.Status}");
        Assert.False(cancelled.IsCompleted, $"the append past the bound did not wait: {cancelled.Status}");

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(waiting.IsCompleted, "the other caller's cancellation ended this wait too");

        _time.Advance(Tight.MaxQueueWait);
        var busy = await Assert.ThrowsAsync<AuditLogBusyException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the audit log is busy", busy.Message, StringComparison.Ordinal);
        Assert.Equal(Tight.MaxQueueWait, busy.RetryAfter);
        Assert.All(queued.Append(first), t => Assert.False(t.IsCompleted, "an event was reported written while the store held it"));

        store.Open();
        await Task.WhenAll(queued.Append(first)).WaitAsync(TimeSpan.FromSeconds(30));
        var written = await log.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
        Assert.Equal([1, 2, 3], written.Select(e => e.Fields["n"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task Appends_after_the_store_catches_up_go_through()
    {
        await using var sqlite = await OpenAsync();
        var store = new GatedBackend(sqlite, open: false);
        await using var log = new AuditLog(store, _time, Tight);
        using var opened = new Opener(store);
        var accepted = new List<Task> { Append(log, 1) };
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        accepted.Add(Append(log, 2));
        accepted.Add(Append(log, 3));
        var waiting = Append(log, 4);

        store.Open();
        await Task.WhenAll(accepted.Append(waiting)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, (await log.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task With_a_journal_events_are_durable_while_the_store_holds_them_and_past_the_backlog_bound_appends_are_refused()
    {
        await using var sqlite = await OpenAsync();
        var store = new GatedBackend(sqlite, open: false);
        var journal = Path.Combine(_folder.Path, "audit-journal");
        await using var log = new AuditLog(store, _time, Tight with { JournalFolder = journal, MaxUnindexed = 2, IndexDelay = TimeSpan.Zero });
        using var opened = new Opener(store);

        // Durable in the journal although the store takes none of them; past two events waiting for the store, the
        // journal takes no more.
        await Task.WhenAll(Append(log, 1), Append(log, 2), Append(log, 3)).WaitAsync(TimeSpan.FromSeconds(30));
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = new[] { Append(log, 4), Append(log, 5) };
        var waiting = Append(log, 6);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, $"the append past the bound did not wait: {waiting.Status}");

        _time.Advance(Tight.MaxQueueWait);
        await Assert.ThrowsAsync<AuditLogBusyException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.All(queued, t => Assert.False(t.IsCompleted, "an event was reported durable while the journal took no more"));

        store.Open();
        await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(30));
        var written = await log.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
        Assert.Equal([1, 2, 3, 4, 5], written.Select(e => e.Fields["n"]!.GetValue<int>()).Order());
    }

    /// <summary>Opens the gate when the test ends, passed or failed, so that the log's disposal is not stuck behind it.</summary>
    private sealed class Opener(GatedBackend store) : IDisposable
    {
        public void Dispose() => store.Open();
    }

    private static Task Append(AuditLog log, int n, CancellationToken cancellationToken = default) =>
        log.AppendAsync(AuditEventTypes.BotJoin, new JsonObject { ["n"] = n }, cancellationToken);

    private async Task<IBackend> OpenAsync() =>
        await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, Time = _time, SweepInterval = Timeout.InfiniteTimeSpan }, CancellationToken.None);
}
