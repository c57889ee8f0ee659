using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Postern.Audit;
using Postern.Authority;
using Postern.Testing;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>The audit log over a real SQLite store: durable on return, group-committed, searchable.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_appended_event_is_in_the_store_when_append_returns()
    {
        string jti;
        await using (var store = await OpenAsync())
        {
            var log = new AuditLog(store, _time);
            var recorded = await log.AppendAsync(AuditEventTypes.AppAssertionIssued, new JsonObject { ["jti"] = "abc", ["app"] = "whoami" }, CancellationToken.None);
            jti = recorded.Fields["jti"]!.GetValue<string>();

            // Read straight from another connection to the same file: nothing is left in a buffer. The event is in the
            // audit table, not among the items.
            await using var other = await OpenAsync();
            Assert.Empty(await other.RangeAsync(AuditLog.Prefix, CancellationToken.None));
            var line = Assert.Single(await ((IAuditStore)other).SearchAuditAsync(new AuditSearch(), CancellationToken.None));
            Assert.Equal(1, line.Sequence);
            var parsed = AuditEvent.Parse(line.Line);
            Assert.NotNull(parsed);
            Assert.Equal(AuditEventTypes.AppAssertionIssued, parsed.Type);
            Assert.Equal(_time.GetUtcNow(), parsed.Time);
            Assert.Equal("whoami", parsed.Fields["app"]!.GetValue<string>());
            await log.DisposeAsync();
        }

        Assert.Equal("abc", jti);
    }

    [Fact]
    public async Task Concurrent_appends_share_store_writes_and_none_is_lost()
    {
        await using var store = await OpenAsync();
        var counting = new CountingBackend(store);
        await using var log = new AuditLog(counting, _time);
        var appends = Enumerable.Range(0, 400).Select(i => Task.Run(() => log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = i }, CancellationToken.None)));
        var recorded = await Task.WhenAll(appends);

        Assert.Equal(400, recorded.Select(e => e.Id).Distinct().Count());
        var found = await log.SearchAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None);
        Assert.Equal(400, found.Count);
        Assert.Equal(Enumerable.Range(0, 400), found.Select(e => e.Fields["n"]!.GetValue<int>()).Order());
        Assert.True(counting.Batches < 400, $"{counting.Batches} store writes for 400 events: no grouping");
    }

    [Fact]
    public async Task Search_filters_by_type_time_and_field_and_keeps_the_newest_within_the_limit()
    {
        await using var store = await OpenAsync();
        await using var log = new AuditLog(store, _time);
        await log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["user"] = "old" }, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(2));
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await log.AppendAsync(AuditEventTypes.AppAssertionIssued, new JsonObject { ["jti"] = $"j{i}" }, CancellationToken.None);
        }

        await log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["user"] = "new" }, CancellationToken.None);

        var logins = await log.SearchAsync(new AuditQuery { Type = AuditEventTypes.UserLogin }, CancellationToken.None);
        Assert.Equal(["old", "new"], logins.Select(e => e.Fields["user"]!.GetValue<string>()));

        var lastDay = await log.SearchAsync(new AuditQuery { Since = _time.GetUtcNow() - TimeSpan.FromDays(1) }, CancellationToken.None);
        Assert.Equal(6, lastDay.Count);

        var newest = await log.SearchAsync(new AuditQuery { Type = AuditEventTypes.AppAssertionIssued, Limit = 2 }, CancellationToken.None);
        Assert.Equal(["j3", "j4"], newest.Select(e => e.Fields["jti"]!.GetValue<string>()));

        var one = await log.SearchAsync(new AuditQuery { FieldEquals = new Dictionary<string, string> { ["jti"] = "j2" } }, CancellationToken.None);
        Assert.Equal("j2", Assert.Single(one).Fields["jti"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_pages_from_the_newest_back_with_the_cursor_and_finds_one_jti_among_many()
    {
        await using var store = await OpenAsync();
        await using var log = new AuditLog(store, _time);
        for (var i = 0; i < 25; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            // Events name their actor as {kind, name} (AuditActor); the index holds the name. A bot of the same name
            // and an actor object holding an unrelated "name" deeper down must not match.
            var actor = i % 5 == 0 ? AuditActor.User("alice", "192.0.2.1") : i % 5 == 1 ? AuditActor.Bot("bob", null) : AuditActor.User("bob", null);
            var fields = actor.Stamp(new JsonObject { ["jti"] = $"j{i}" });
            if (i % 5 == 2)
            {
                fields["actor"]!.AsObject()["via"] = new JsonObject { ["name"] = "alice" };
            }

            await log.AppendAsync(AuditEventTypes.AppAssertionIssued, fields, CancellationToken.None);
        }

        var pages = new List<int>();
        string? before = null;
        while (true)
        {
            var page = await log.SearchAsync(new AuditQuery { Limit = 10, Before = before }, CancellationToken.None);
            if (page.Count == 0)
                break;
            pages.AddRange(page.Select(e => int.Parse(e.Fields["jti"]!.GetValue<string>()[1..], System.Globalization.CultureInfo.InvariantCulture)).Reverse());
            before = page[0].Id; // the oldest of this page
        }

        Assert.Equal(Enumerable.Range(0, 25).Reverse(), pages);
        Assert.Equal("j17", Assert.Single(await log.SearchAsync(new AuditQuery { FieldEquals = new Dictionary<string, string> { ["jti"] = "j17" } }, CancellationToken.None)).Fields["jti"]!.GetValue<string>());
        var alice = await log.SearchAsync(new AuditQuery { FieldEquals = new Dictionary<string, string> { ["actor"] = "alice" } }, CancellationToken.None);
        Assert.Equal(["j0", "j5", "j10", "j15", "j20"], alice.Select(e => e.Fields["jti"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Disposing_the_log_seals_a_signed_checkpoint_of_the_head_and_logs_it_as_a_witness()
    {
        await using var store = await OpenAsync();
        var tables = (IAuditStore)store;
        var kek = KeyEncryptionKey.Generate();
        var key = AuthorityKeys.Generate(CertAuthorityType.Audit, SigningAlgorithm.ES256, kek, _time.GetUtcNow());
        var authority = CertAuthority.Open(CertAuthorityType.Audit, new CertAuthorityDocument { Type = "audit", SigningKid = key.Kid, Keys = [key] }, 1, new AuthorityKeyring(kek, "the test"));
        var logger = new CollectingLogger();
        var log = new AuditLog(store, _time, new AuditLogOptions { CheckpointInterval = TimeSpan.FromMinutes(1) }, new AuditCheckpointSigner(authority), logger);
        for (var i = 0; i < 3; i++)
            await log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject { ["n"] = i }, CancellationToken.None);
        Assert.Empty(await tables.AuditCheckpointsAsync(CancellationToken.None));

        await log.DisposeAsync();

        var checkpoint = Assert.Single(await tables.AuditCheckpointsAsync(CancellationToken.None));
        Assert.Equal((tables.ChainId, 3L), (checkpoint.Chain, checkpoint.Sequence));
        Assert.Equal(tables.Head!.Hash, checkpoint.Head);
        Assert.True(AuditCheckpoints.IsSignedBy(checkpoint, [key]));
        var witness = Assert.Single(logger.Messages, m => m.EventId == 3000).Message;
        Assert.Contains($"chain {tables.ChainId} event 3 head {Convert.ToHexStringLower(checkpoint.Head)}", witness, StringComparison.Ordinal);
        Assert.True((await AuditVerifier.VerifyAsync(tables, [key], null, CancellationToken.None)).Verified);
    }

    [Fact]
    public async Task A_failed_store_write_fails_the_append()
    {
        var store = await OpenAsync();
        await store.DisposeAsync();
        await using var log = new AuditLog(store, _time);
        await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(AuditEventTypes.UserLogin, new JsonObject(), CancellationToken.None));
    }

    [Fact]
    public void A_line_that_is_not_an_event_parses_to_null()
    {
        Assert.Null(AuditEvent.Parse("not json"u8));
        Assert.Null(AuditEvent.Parse("{\"type\":\"x\"}"u8));
        Assert.Null(AuditEvent.Parse("[1]"u8));
        Assert.Null(AuditEvent.Parse([.. "{\"type\":\""u8, 0xff, .. "\",\"time\":\"2026-12-06T10:00:00Z\",\"id\":\"1\"}"u8])); // not UTF-8 (found by the audit-journal fuzz target)
        Assert.Null(AuditEvent.Parse("{\"type\":\"x\",\"time\":\"2026-12-06T10:00:00Z\",\"id\":\"1\",\"id\":\"2\"}"u8)); // a member twice (the same)
    }

    private async Task<IBackend> OpenAsync() =>
        await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, Time = _time, SweepInterval = Timeout.InfiniteTimeSpan }, CancellationToken.None);

    private sealed class CountingBackend(IBackend inner) : ForwardingBackend(inner)
    {
        public int Batches;

        public override Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Batches);
            return base.PutBatchAsync(items, cancellationToken);
        }
    }
}
