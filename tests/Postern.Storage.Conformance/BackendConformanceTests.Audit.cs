using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Authority;

namespace Postern.Storage.Conformance;

/// <summary>
/// The audit tables (<see cref="IAuditStore"/>): events written under <c>/audit/</c> stay out of the items and the change
/// log, join the handle's hash chain inside the transaction that writes them, and any change to what is stored is
/// reported by <see cref="AuditVerifier"/> with its position.
/// </summary>
public abstract partial class BackendConformanceTests
{
    /// <summary>How many rows the store's change log holds.</summary>
    protected abstract Task<long> CountChangeLogRowsAsync(IBackend backend);

    /// <summary>
    /// Runs <paramref name="sql"/> on the store behind <paramref name="backend"/>, as an attacker with write access to
    /// the database would: tables named as on SQLite (<c>audit_events</c>, <c>audit_checkpoints</c>), parameters
    /// <c>@p0</c>, <c>@p1</c>… for <paramref name="values"/>. Returns the rows changed.
    /// </summary>
    protected abstract Task<int> TamperAsync(IBackend backend, string sql, params object[] values);

    [Fact]
    public async Task Audit_events_add_no_change_log_row_take_no_revision_and_wake_no_watch()
    {
        var store = await StoreAsync();
        await store.PutAsync("/state/a", Bytes("1"), null, None);
        var revision = await store.CurrentRevisionAsync(None);
        var rows = await CountChangeLogRowsAsync(store);
        var watching = WatchCollector.TakeAsync(store, "/", revision, 1, Patience); // follows from before the events

        for (var i = 0; i < 3; i++)
            Assert.Equal(revision, await store.PutBatchAsync(Events(5, i * 5), None));
        await store.PutAsync("/audit/2031-05-17/single", Event("single", "x"), null, None);

        Assert.Equal(rows, await CountChangeLogRowsAsync(store));
        Assert.Equal(revision, await store.CurrentRevisionAsync(None));
        Assert.Empty(await store.RangeAsync("/audit/", None));

        // The next state change is the first thing the watch on "/" sees: no audit traffic came before it.
        await store.PutAsync("/state/b", Bytes("2"), null, None);
        var first = Assert.Single(await watching);
        Assert.Equal("/state/b", first.Key);
        Assert.Equal(revision + 1, first.Revision);
        Assert.Equal(rows + 1, await CountChangeLogRowsAsync(store));

        var tables = (IAuditStore)store;
        Assert.Equal(16, (await tables.SearchAuditAsync(new AuditSearch { Limit = 100 }, None)).Count);
        Assert.Equal(16, tables.Head!.Sequence);
    }

    [Fact]
    public async Task Appending_audit_events_chains_them_finds_them_by_id_and_refuses_a_store_item()
    {
        var store = await StoreAsync();
        var tables = (IAuditStore)store;
        var revision = await store.CurrentRevisionAsync(None);
        var rows = await CountChangeLogRowsAsync(store);

        await tables.AppendAuditAsync(Events(4, 0), None);
        await tables.AppendAuditAsync(Events(3, 4), None);
        Assert.Equal(7, tables.Head!.Sequence);
        Assert.Equal((revision, rows), (await store.CurrentRevisionAsync(None), await CountChangeLogRowsAsync(store)));
        var third = AuditEvent.Parse((await tables.ReadChainAsync(tables.ChainId, 2, 1, None))[0].Line)!;
        Assert.Equal(third.Id, AuditEvent.Parse(Assert.Single(await tables.SearchAuditAsync(new AuditSearch { Id = third.Id }, None)).Line)!.Id);
        Assert.Empty(await tables.SearchAuditAsync(new AuditSearch { Id = third.Id + "0" }, None));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => tables.AppendAuditAsync([.. Events(1, 7), new BatchPut("/state/x", Bytes("1"), null)], None));
        Assert.Contains("'/state/x' is not under /audit/", refused.Message, StringComparison.Ordinal);
        Assert.Equal(7, tables.Head!.Sequence); // nothing of the refused batch was written
        Assert.Null(await store.GetAsync("/state/x", None));
        Assert.True((await AuditVerifier.VerifyAsync(tables, [], null, None)).Verified);
    }

    [Fact]
    public async Task A_large_append_stores_every_line_as_given_in_order_with_its_columns_or_none()
    {
        // 70 events: more than one multi-row statement's worth, and a remainder; every third has neither actor nor jti.
        var store = await StoreAsync();
        var tables = (IAuditStore)store;
        var events = Enumerable.Range(0, 70).Select(i => new BatchPut(
            $"/audit/2031-05-17/b{i:D4}",
            new AuditEvent(AuditEventTypes.AppAssertionIssued, new DateTimeOffset(2031, 5, 17, 9, 30, 0, TimeSpan.Zero).AddSeconds(i), $"b{i:D4}", i % 3 == 0 ? [] : new JsonObject { ["jti"] = $"jb{i}", ["actor"] = $"user{i}" }).ToUtf8(),
            null)).ToArray();

        await tables.AppendAuditAsync(events, None);

        var chain = await tables.ReadChainAsync(tables.ChainId, 0, 100, None);
        Assert.Equal(Enumerable.Range(1, 70).Select(i => (long)i), chain.Select(e => e.Sequence));
        Assert.All(chain, e => Assert.Equal(events[e.Sequence - 1].Value.ToArray(), e.Line));
        Assert.Equal("b0068", AuditEvent.Parse(Assert.Single(await tables.SearchAuditAsync(new AuditSearch { Jti = "jb68" }, None)).Line)!.Id);
        Assert.Equal("b0067", AuditEvent.Parse(Assert.Single(await tables.SearchAuditAsync(new AuditSearch { Actor = "user67" }, None)).Line)!.Id);
        Assert.Empty(await tables.SearchAuditAsync(new AuditSearch { Actor = "user69" }, None)); // 69 had no actor
        Assert.Equal(70, (await tables.SearchAuditAsync(new AuditSearch { Limit = 100 }, None)).Count);
        Assert.True((await AuditVerifier.VerifyAsync(tables, [], null, None)).Verified);
    }

    [Fact]
    public async Task An_event_written_with_a_change_exists_exactly_when_the_change_does()
    {
        var store = await StoreAsync();
        var tables = (IAuditStore)store;
        var created = await store.CompareAndSwapWithAsync("/users/alice", Revision.Absent, Bytes("v1"), null, [new BatchPut("/audit/2031-05-17/e1", Event("e1", "j1"), null), new BatchPut("/side", Bytes("s"), null)], None);
        Assert.True(created.Succeeded);
        Assert.Equal(created.Revision, (await store.GetAsync("/users/alice", None))!.Revision);
        Assert.Equal(created.Revision + 1, (await store.GetAsync("/side", None))!.Revision); // the event took no revision

        var refused = await store.CompareAndSwapWithAsync("/users/alice", Revision.Absent, Bytes("v2"), null, [new BatchPut("/audit/2031-05-17/e2", Event("e2", "j2"), null)], None);
        Assert.False(refused.Succeeded);
        Assert.Empty(await tables.SearchAuditAsync(new AuditSearch { Jti = "j2" }, None));

        // The refused write's event took no position: the next one follows the first without a gap. A batch of an item
        // and its event writes both in one transaction; the item takes the revision.
        var batch = await store.PutBatchAsync([new BatchPut("/audit/2031-05-17/e3", Event("e3", "j3"), null), new BatchPut("/users/bob", Bytes("b"), null)], None);
        Assert.Equal(batch, (await store.GetAsync("/users/bob", None))!.Revision);
        var chain = await tables.ReadChainAsync(tables.ChainId, 0, 10, None);
        Assert.Equal([1L, 2L], chain.Select(e => e.Sequence));
        Assert.Equal("e1", AuditEvent.Parse(chain[0].Line)!.Id);
        Assert.Equal("e3", AuditEvent.Parse(chain[1].Line)!.Id);
        Assert.True((await AuditVerifier.VerifyAsync(tables, [], null, None)).Verified);
    }

    [Fact]
    public async Task A_line_that_is_no_audit_event_is_refused_and_nothing_is_written()
    {
        var store = await StoreAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutBatchAsync([new BatchPut("/state/x", Bytes("1"), null), new BatchPut("/audit/2031-05-17/bad", Bytes("{\"type\":\"t\"}"), null)], None));
        Assert.Contains("type, id and time", error.Message);
        Assert.Null(await store.GetAsync("/state/x", None));
        Assert.Null(((IAuditStore)store).Head);
    }

    [Fact]
    public async Task Every_handle_keeps_a_chain_of_its_own_and_both_verify_with_their_checkpoints()
    {
        var store = await StoreAsync();
        var second = await SecondClientAsync(store);
        var audit = AuditKey();
        await store.PutBatchAsync(Events(4, 0), None);
        await second.PutBatchAsync(Events(3, 10), None);
        await ((IAuditStore)store).WriteCheckpointAsync(AuditCheckpoints.Seal(((IAuditStore)store).Head!, DateTimeOffset.UtcNow, audit.Signer), None);
        await ((IAuditStore)second).WriteCheckpointAsync(AuditCheckpoints.Seal(((IAuditStore)second).Head!, DateTimeOffset.UtcNow, audit.Signer), None);

        Assert.NotEqual(((IAuditStore)store).ChainId, ((IAuditStore)second).ChainId);
        var verified = await AuditVerifier.VerifyAsync((IAuditStore)store, audit.Keys, null, None);
        Assert.True(verified.Verified, string.Join("\n", verified.Findings.Select(f => f.Message)));
        Assert.Equal((2, 7L, 2), (verified.Chains, verified.Events, verified.Checkpoints));
    }

    [Fact]
    public async Task Changing_one_byte_of_an_event_is_reported_at_its_position()
    {
        var (store, chain, audit) = await SealedChainAsync(10);
        var stored = (await store.ReadChainAsync(chain, 5, 1, None))[0];
        var line = stored.Line.ToArray();
        line[Array.IndexOf(line, (byte)'j')] = (byte)'k';
        Assert.Equal(1, await TamperAsync((IBackend)store, "UPDATE audit_events SET line = @p0 WHERE chain = @p1 AND sequence = @p2", line, chain, 6L));

        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.Changed, 6L), (finding.Kind, finding.Sequence));
    }

    [Fact]
    public async Task Deleting_one_event_is_reported_at_its_position()
    {
        var (store, chain, audit) = await SealedChainAsync(10);
        Assert.Equal(1, await TamperAsync((IBackend)store, "DELETE FROM audit_events WHERE chain = @p0 AND sequence = @p1", chain, 4L));

        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.Removed, 4L), (finding.Kind, finding.Sequence));
    }

    [Fact]
    public async Task Swapping_two_events_is_reported_at_the_first_position()
    {
        var (store, chain, audit) = await SealedChainAsync(10);
        var pair = await store.ReadChainAsync(chain, 6, 2, None);
        foreach (var (at, from) in new[] { (7L, pair[1]), (8L, pair[0]) })
            await TamperAsync((IBackend)store, "UPDATE audit_events SET previous = @p0, hash = @p1, line = @p2 WHERE chain = @p3 AND sequence = @p4", from.Previous, from.Hash, from.Line, chain, at);

        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.InsertedOrReordered, 7L), (finding.Kind, finding.Sequence));
    }

    [Fact]
    public async Task Truncating_the_tail_past_the_last_checkpoint_is_reported_where_the_chain_now_ends()
    {
        var (store, chain, audit) = await SealedChainAsync(10);
        Assert.Equal(3, await TamperAsync((IBackend)store, "DELETE FROM audit_events WHERE chain = @p0 AND sequence > @p1", chain, 7L));

        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.Truncated, 8L), (finding.Kind, finding.Sequence));
    }

    [Fact]
    public async Task A_checkpoint_signed_with_another_key_is_refused_even_under_the_audit_keys_kid()
    {
        var (store, _, audit) = await SealedChainAsync(10);
        var forger = AuditKey();
        await ((IBackend)store).PutBatchAsync(Events(1, 50), None);
        var forged = AuditCheckpoints.Seal(store.Head!, DateTimeOffset.UtcNow, forger.Signer) with { Kid = audit.Signer.Kid };
        await store.WriteCheckpointAsync(forged, None);

        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.BadCheckpoint, 11L), (finding.Kind, finding.Sequence));
    }

    [Fact]
    public async Task Retention_deletes_whole_segments_before_an_old_checkpoint_and_what_remains_still_verifies()
    {
        var time = FakeClock();
        var store = (IAuditStore)await StoreAsync(time);
        var audit = AuditKey();
        await ((IBackend)store).PutBatchAsync(Events(5, 0), None);
        await store.WriteCheckpointAsync(AuditCheckpoints.Seal(store.Head!, time.GetUtcNow(), audit.Signer), None);
        await ((IBackend)store).PutBatchAsync(Events(3, 5), None);
        time.Advance(TimeSpan.FromDays(10));
        await store.WriteCheckpointAsync(AuditCheckpoints.Seal(store.Head!, time.GetUtcNow(), audit.Signer), None);
        await ((IBackend)store).PutBatchAsync(Events(2, 8), None);

        Assert.Equal(5, await store.DeleteAuditBeforeAsync(time.GetUtcNow() - TimeSpan.FromDays(5), None));

        Assert.Equal(6L, (await store.ReadChainAsync(store.ChainId, 0, 100, None))[0].Sequence);
        var verified = await AuditVerifier.VerifyAsync(store, audit.Keys, null, None);
        Assert.True(verified.Verified, string.Join("\n", verified.Findings.Select(f => f.Message)));
        Assert.Equal(5L, verified.Events);

        // What remains is still guarded: the first kept event is vouched for by the anchor checkpoint.
        await TamperAsync((IBackend)store, "DELETE FROM audit_events WHERE chain = @p0 AND sequence = @p1", store.ChainId, 6L);
        var finding = await OnlyFindingAsync(store, audit);
        Assert.Equal((AuditFindingKind.Removed, 1L), (finding.Kind, finding.Sequence));
    }

    /// <summary>A store with one chain of <paramref name="count"/> events, sealed at its last one.</summary>
    private async Task<(IAuditStore Store, string Chain, (AuditCheckpointSigner Signer, IReadOnlyList<AuthorityKey> Keys) Audit)> SealedChainAsync(int count)
    {
        var store = (IAuditStore)await StoreAsync();
        var audit = AuditKey();
        await ((IBackend)store).PutBatchAsync(Events(count / 2, 0), None);
        await store.WriteCheckpointAsync(AuditCheckpoints.Seal(store.Head!, DateTimeOffset.UtcNow, audit.Signer), None);
        await ((IBackend)store).PutBatchAsync(Events(count - count / 2, count / 2), None);
        await store.WriteCheckpointAsync(AuditCheckpoints.Seal(store.Head!, DateTimeOffset.UtcNow, audit.Signer), None);
        var untouched = await AuditVerifier.VerifyAsync(store, audit.Keys, null, None);
        Assert.True(untouched.Verified, string.Join("\n", untouched.Findings.Select(f => f.Message)));
        Assert.Equal(count, untouched.Events);
        return (store, store.ChainId, audit);
    }

    private static async Task<AuditFinding> OnlyFindingAsync(IAuditStore store, (AuditCheckpointSigner Signer, IReadOnlyList<AuthorityKey> Keys) audit)
    {
        var verified = await AuditVerifier.VerifyAsync(store, audit.Keys, null, None);
        Assert.False(verified.Verified);
        return Assert.Single(verified.Findings);
    }

    /// <summary>An audit authority with a new key, sealed under a new key-encryption key, as the server holds it.</summary>
    private static (AuditCheckpointSigner Signer, IReadOnlyList<AuthorityKey> Keys) AuditKey()
    {
        var kek = KeyEncryptionKey.Generate();
        var key = AuthorityKeys.Generate(CertAuthorityType.Audit, SigningAlgorithm.ES256, kek, DateTimeOffset.UtcNow);
        var document = new CertAuthorityDocument { Type = CertAuthorityType.Audit.Name(), SigningKid = key.Kid, Keys = [key] };
        var authority = CertAuthority.Open(CertAuthorityType.Audit, document, 1, new AuthorityKeyring(kek, "the test"));
        return (new AuditCheckpointSigner(authority), [key]);
    }

    private static BatchPut[] Events(int count, int first) =>
        [.. Enumerable.Range(first, count).Select(i => new BatchPut($"/audit/2031-05-17/e{i:D4}", Event($"e{i:D4}", $"j{i}"), null))];

    private static byte[] Event(string id, string jti) =>
        new AuditEvent(AuditEventTypes.AppAssertionIssued, new DateTimeOffset(2031, 5, 17, 9, 30, 0, TimeSpan.Zero), id, new JsonObject { ["jti"] = jti, ["actor"] = "alice" }).ToUtf8();
}
