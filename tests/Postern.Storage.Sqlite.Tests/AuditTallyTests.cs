using Microsoft.Extensions.Time.Testing;
using Postern.Audit;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// Coalesced audit events (<see cref="AuditTally"/>): one event per (address, reason) and interval, counts that add
/// up exactly, written on schedule, before a search, when full and at disposal, and kept when a write fails.
/// </summary>
public sealed class AuditTallyTests : IDisposable
{
    private const string Type = "bot.join.refused";
    private static readonly AuditTallyOptions Options = new() { Interval = TimeSpan.FromMinutes(1), MaxKeys = 100 };
    private readonly TempStoreFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Many_events_become_one_per_address_and_reason_whose_counts_add_up()
    {
        await using var store = await OpenAsync();
        await using var log = new AuditLog(store, _time);
        var tally = log.CreateTally(Type, Options);

        await Parallel.ForAsync(0, 1000, async (i, ct) => await tally.CountAsync($"192.0.2.{i % 2}", i % 5 == 0 ? "malformed" : "unknown", ct));

        var events = await log.SearchAsync(new AuditQuery { Type = Type }, CancellationToken.None);
        Assert.Equal(4, events.Count);
        Assert.Equal(1000, events.Sum(Count));
        Assert.Equal(100, Assert.Single(events, e => Field(e, "remote_addr") == "192.0.2.0" && Field(e, "reason") == "malformed").Fields["count"]!.GetValue<long>());
        Assert.Equal(_time.GetUtcNow().ToString("O"), Field(events[0], "first"));
        Assert.Empty(await log.SearchAsync(new AuditQuery { Type = Type, Since = _time.GetUtcNow() + TimeSpan.FromSeconds(1) }, CancellationToken.None));
    }

    [Fact]
    public async Task Counts_are_written_each_interval_and_at_disposal_without_a_search()
    {
        await using var store = await OpenAsync();
        await using var log = new AuditLog(store, _time);
        var tally = log.CreateTally(Type, Options);
        await tally.CountAsync("192.0.2.1", "unknown", CancellationToken.None);
        Assert.Empty(await Events(store));

        _time.Advance(Options.Interval);
        await WaitForEventsAsync(store, 1);

        await tally.CountAsync("192.0.2.1", "unknown", CancellationToken.None);
        await tally.CountAsync("192.0.2.2", "unknown", CancellationToken.None);
        await tally.DisposeAsync();
        Assert.Equal(3, (await Events(store)).Count);

        // Counted after disposal (a request still in flight at shutdown): recorded on its own.
        await tally.CountAsync("192.0.2.3", "unknown", CancellationToken.None);
        Assert.Equal([1, 1, 1, 1], (await Events(store)).Select(Count));
    }

    [Fact]
    public async Task A_full_tally_writes_at_once_so_memory_stays_bounded()
    {
        await using var store = await OpenAsync();
        await using var log = new AuditLog(store, _time);
        var tally = log.CreateTally(Type, Options with { MaxKeys = 3 });
        for (var i = 0; i < 3; i++)
        {
            await tally.CountAsync($"192.0.2.{i}", "unknown", CancellationToken.None);
        }

        Assert.Equal(3, (await Events(store)).Count);
    }

    [Fact]
    public async Task Counts_whose_write_failed_are_kept_for_the_next_one()
    {
        await using var sqlite = await OpenAsync();
        var store = new GatedBackend(sqlite) { Failing = true };
        await using var log = new AuditLog(store, _time);
        var tally = log.CreateTally(Type, Options);
        for (var i = 0; i < 7; i++)
        {
            await tally.CountAsync("192.0.2.1", "unknown", CancellationToken.None);
        }

        await Assert.ThrowsAsync<IOException>(() => tally.FlushAsync(CancellationToken.None));
        await tally.CountAsync("192.0.2.1", "unknown", CancellationToken.None);
        store.Failing = false;
        await tally.FlushAsync(CancellationToken.None);

        Assert.Equal(8, Count(Assert.Single(await Events(sqlite))));
    }

    private static async Task<List<AuditEvent>> Events(IBackend store) =>
        [.. (await ((IAuditStore)store).SearchAuditAsync(new AuditSearch(), CancellationToken.None))
            .Select(stored => AuditEvent.Parse(stored.Line))
            .OfType<AuditEvent>()
            .OrderBy(e => e.Id, StringComparer.Ordinal)];

    private static async Task WaitForEventsAsync(IBackend store, int count)
    {
        for (var waited = 0; (await Events(store)).Count < count; waited += 20)
        {
            Assert.True(waited < 30_000, $"fewer than {count} events written after {waited} ms");
            await Task.Delay(20);
        }
    }

    private static long Count(AuditEvent e) => e.Fields["count"]!.GetValue<long>();

    private static string? Field(AuditEvent e, string name) => e.Fields[name]?.GetValue<string>();

    private async Task<IBackend> OpenAsync() =>
        await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, Time = _time, SweepInterval = Timeout.InfiniteTimeSpan }, CancellationToken.None);
}
