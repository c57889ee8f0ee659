using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Postern.Audit;
using Postern.Testing;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// The audit log with its journal, over a real SQLite store and real files: events are durable in the journal when
/// append returns, reach the store's chain afterwards, and what a stopped process left is indexed exactly once.
/// </summary>
public sealed class AuditJournalTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    private string Journal => Path.Combine(_folder.Path, "audit-journal");

    private AuditLogOptions Options => new() { JournalFolder = Journal };

    private string[] Segments() => Directory.Exists(Journal) ? Directory.GetFiles(Journal) : [];

    [Fact]
    public async Task Appended_events_are_in_the_journal_on_return_and_in_the_store_for_a_search_and_after_disposal()
    {
        await using var store = await OpenAsync();
        var log = new AuditLog(store, _time, Options);
        var recorded = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = i }, CancellationToken.None))));

        // On return, every event is a line of the open segment (read as a crash would leave it).
        var segment = Assert.Single(Segments());
        var journaled = JournaledIds(segment);
        Assert.Subset(journaled, recorded.Select(e => e.Id).ToHashSet());

        var found = await log.SearchAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 200), found.Select(e => e.Fields["n"]!.GetValue<int>()).Order());

        await log.DisposeAsync();
        Assert.Empty(Segments()); // every event is in the store: nothing is left to recover
        Assert.Equal(200, await StoredCountAsync(store));
        Assert.True((await AuditVerifier.VerifyAsync((IAuditStore)store, [], null, CancellationToken.None)).Verified);
    }

    [Fact]
    public async Task Segments_whose_events_are_all_stored_are_deleted_even_when_one_store_write_spans_several()
    {
        await using var store = await OpenAsync();
        // The indexer waits (a long delay) while the events fill four 1 MiB segments; the search then sends them in one write.
        var log = new AuditLog(store, _time, Options with { JournalSegmentBytes = 1 << 20, IndexDelay = TimeSpan.FromMinutes(5) });
        var padding = new string('x', 2000);
        for (var round = 0; round < 20; round++)
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = (round * 100) + i, ["padding"] = padding }, CancellationToken.None)));
        Assert.True(Segments().Length >= 4, $"{Segments().Length} segments for ~4 MB of events");

        Assert.Equal(2000, (await log.SearchAsync(new AuditQuery { Limit = 5000 }, CancellationToken.None)).Count);
        Assert.Single(Segments()); // the one being written; the others hold only stored events

        await log.DisposeAsync();
        Assert.Empty(Segments());
        Assert.Equal(2000, await StoredCountAsync(store));
    }

    [Fact]
    public async Task Events_the_store_refused_stay_in_the_journal_and_the_next_log_stores_them_once()
    {
        await using var store = await OpenAsync();
        var failing = new FailingAfterBackend(store, refuseFrom: 0);
        var log = new AuditLog(failing, _time, Options with { MaxIndexWait = TimeSpan.FromMilliseconds(200) });
        var recorded = new List<AuditEvent>();
        for (var i = 0; i < 20; i++, _time.Advance(TimeSpan.FromMilliseconds(1)))
            recorded.Add(await log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = i }, CancellationToken.None)); // durable although the store fails
        await log.DisposeAsync();
        Assert.Equal(0, await StoredCountAsync(store));
        Assert.Single(Segments());

        await using (var next = new AuditLog(store, _time, Options))
        {
            var found = await next.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
            Assert.Equal(recorded.Select(e => e.Id), found.Select(e => e.Id));
        }

        Assert.Empty(Segments());
        Assert.Equal(20, await StoredCountAsync(store));
        Assert.True((await AuditVerifier.VerifyAsync((IAuditStore)store, [], null, CancellationToken.None)).Verified);
    }

    [Fact]
    public async Task Recovery_stores_only_the_tail_the_store_lacks()
    {
        await using var store = await OpenAsync();
        var failing = new FailingAfterBackend(store, refuseFrom: 10);
        var log = new AuditLog(failing, _time, Options with { MaxIndexWait = TimeSpan.FromMilliseconds(200), IndexDelay = TimeSpan.Zero });
        var ids = new List<string>();
        for (var i = 0; i < 30; i++, _time.Advance(TimeSpan.FromMilliseconds(1)))
            ids.Add((await log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = i }, CancellationToken.None)).Id); // one at a time: a group each
        await log.DisposeAsync();
        var stored = await StoredCountAsync(store);
        Assert.InRange(stored, 1, 29);

        await using (var next = new AuditLog(store, _time, Options))
        {
            var found = await next.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
            Assert.Equal(ids, found.Select(e => e.Id)); // each once, none lost
        }

        Assert.Equal(30, await StoredCountAsync(store));
        Assert.Empty(Segments());
    }

    [Fact]
    public async Task A_cut_short_tail_is_not_stored_and_what_precedes_it_is()
    {
        await using var store = await OpenAsync();
        PrivateFolder.Create(Journal);
        var whole = new[] { Line("a"), Line("b") };
        var torn = Encoding.UTF8.GetBytes(Line("c"))[..40];
        await File.WriteAllBytesAsync(Path.Combine(Journal, "20261206T000000.0000000Z-00000000.journal"), [.. Encoding.UTF8.GetBytes(whole[0] + "\n" + whole[1] + "\n"), .. torn, .. new byte[4096]]);
        await File.WriteAllBytesAsync(Path.Combine(Journal, "20261206T000001.0000000Z-00000000.journal"), [.. Encoding.UTF8.GetBytes(Line("d") + "\nnot an event\n" + Line("e") + "\n")]);

        await using (var log = new AuditLog(store, _time, Options))
        {
            var found = await log.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
            Assert.Equal(["a", "b", "d"], found.Select(e => e.Id));
        }

        Assert.Empty(Segments());
    }

    [Fact]
    public async Task A_segment_held_by_a_running_log_is_not_taken_for_an_orphan()
    {
        await using var store = await OpenAsync();
        await using var first = new AuditLog(store, _time, Options);
        var early = await first.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = 1 }, CancellationToken.None);
        Assert.Single(await first.SearchAsync(new AuditQuery(), CancellationToken.None)); // stored by the first log
        var held = Assert.Single(Segments());

        await using (var second = new AuditLog(store, _time, Options))
        {
            await second.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = 2 }, CancellationToken.None);
            var found = await second.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None);
            Assert.Contains(found, e => e.Id == early.Id);
            Assert.Equal(2, found.Count); // the second log did not store the first's event again
        }

        Assert.True(File.Exists(held)); // nor deleted the segment the first still writes
        var later = await first.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = 3 }, CancellationToken.None);
        Assert.Contains(later.Id, JournaledIds(held));
    }

    private static string Line(string id) => new AuditEvent(AuditEventTypes.UserLogin, new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), id, new JsonObject { ["user"] = id }).ToJsonLine();

    /// <summary>The ids of the events in a segment, read by another process (cat), which takes no lock.</summary>
    private static HashSet<string> JournaledIds(string segment)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [segment]) { RedirectStandardOutput = true })!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text.Split('\n').Select(l => l.TrimEnd('\0')).Where(l => l.Length > 0).Select(l => AuditEvent.Parse(Encoding.UTF8.GetBytes(l))!.Id).ToHashSet();
    }

    private static async Task<int> StoredCountAsync(IBackend store) =>
        (await ((IAuditStore)store).SearchAuditAsync(new AuditSearch { Limit = 10_000 }, CancellationToken.None)).Count;

    private async Task<IBackend> OpenAsync() =>
        await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, Time = _time, SweepInterval = Timeout.InfiniteTimeSpan }, CancellationToken.None);

    /// <summary>A store that refuses every write holding an event whose field <c>n</c> is <c>refuseFrom</c> or more.</summary>
    private sealed class FailingAfterBackend(IBackend inner, int refuseFrom) : ForwardingBackend(inner)
    {
        public override Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) =>
            items.Any(i => AuditEvent.Parse(i.Value.Span)?.Fields["n"]?.GetValue<int>() >= refuseFrom)
                ? Task.FromException<long>(new IOException("the store is down"))
                : base.PutBatchAsync(items, cancellationToken);
    }
}
