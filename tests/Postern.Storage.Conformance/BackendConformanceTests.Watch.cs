using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task A_watch_from_an_old_revision_replays_the_history_in_order()
    {
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);
        await store.PutAsync("/h/a", Bytes("1"), null, None);
        await store.PutAsync("/h/b", Bytes("2"), null, None);
        await store.PutAsync("/h/a", Bytes("3"), null, None);
        await store.DeleteAsync("/h/b", None);

        var changes = await WatchCollector.TakeAsync(store, "/h/", start, 4, Patience);

        Assert.Equal(
            [(ChangeKind.Put, "/h/a", "1"), (ChangeKind.Put, "/h/b", "2"), (ChangeKind.Put, "/h/a", "3"), (ChangeKind.Delete, "/h/b", "")],
            changes.Select(c => (c.Kind, c.Key, Text(c.Value))));
        Assert.Equal([start + 1, start + 2, start + 3, start + 4], changes.Select(c => c.Revision));
    }

    [Fact]
    public async Task A_watch_starts_strictly_after_the_given_revision()
    {
        var store = await StoreAsync();
        var first = await store.PutAsync("/h/a", Bytes("1"), null, None);
        await store.PutAsync("/h/b", Bytes("2"), null, None);

        var changes = await WatchCollector.TakeAsync(store, "/h/", first, 1, Patience);

        Assert.Equal(("/h/b", first + 1), (changes[0].Key, changes[0].Revision));
    }

    [Fact]
    public async Task A_put_change_carries_the_value_and_the_expiry_and_a_delete_change_carries_neither()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var start = await store.CurrentRevisionAsync(None);
        var expires = clock.GetUtcNow().AddMinutes(10);
        await store.PutAsync("/c/k", Bytes("value"), expires, None);
        await store.DeleteAsync("/c/k", None);

        var changes = await WatchCollector.TakeAsync(store, "/c/", start, 2, Patience);

        Assert.Equal(("value", expires), (Text(changes[0].Value), changes[0].Expires));
        Assert.Equal((ChangeKind.Delete, 0, (DateTimeOffset?)null), (changes[1].Kind, changes[1].Value.Length, changes[1].Expires));
    }

    [Fact]
    public async Task A_watch_with_a_prefix_sees_only_the_keys_under_it()
    {
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);
        await store.PutAsync("/x/1", Bytes("in"), null, None);
        await store.PutAsync("/y/1", Bytes("out"), null, None);
        await store.PutAsync("/xy", Bytes("out"), null, None);
        await store.PutAsync("/x%/1", Bytes("out"), null, None);
        await store.DeleteAsync("/y/1", None);
        await store.PutAsync("/x/2", Bytes("in"), null, None);
        await store.PutAsync("/x/end", Bytes("in"), null, None);

        var changes = await WatchCollector.TakeUntilAsync(store, "/x/", start, c => c[^1].Key == "/x/end", Patience, "the change of /x/end");

        Assert.Equal(["/x/1", "/x/2", "/x/end"], changes.Select(c => c.Key));
    }

    [Fact]
    public async Task A_watch_follows_writes_made_after_it_started()
    {
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);

        var watch = WatchCollector.TakeAsync(store, "/live/", start, 2, Patience);
        await Task.Delay(50);
        await store.PutAsync("/live/a", Bytes("1"), null, None);
        await store.DeleteAsync("/live/a", None);
        var changes = await watch;

        Assert.Equal([ChangeKind.Put, ChangeKind.Delete], changes.Select(c => c.Kind));
    }

    [Fact]
    public async Task A_watch_on_the_second_client_sees_writes_made_through_the_first()
    {
        var first = await StoreAsync();
        var second = await SecondClientAsync(first);
        var start = await second.CurrentRevisionAsync(None);

        var watch = WatchCollector.TakeAsync(second, "/shared/", start, 2, Patience);
        await Task.Delay(50);
        var put = await first.PutAsync("/shared/a", Bytes("from-first"), null, None);
        await first.DeleteAsync("/shared/a", None);
        var changes = await watch;

        Assert.Equal(("/shared/a", "from-first", put), (changes[0].Key, Text(changes[0].Value), changes[0].Revision));
        Assert.Equal(ChangeKind.Delete, changes[1].Kind);
    }

    [Fact]
    public async Task A_watcher_of_concurrent_puts_sees_every_revision_in_order_without_gaps_and_its_replay_equals_the_final_state()
    {
        const int writers = 4;
        const int putsPerWriter = 25;
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);

        var watch = WatchCollector.TakeAsync(store, "/w/", start, writers * putsPerWriter, Patience * 2);
        var puts = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < putsPerWriter; i++)
                await store.PutAsync($"/w/k{(writer + i) % 7}", Bytes($"{writer}:{i}"), null, None);
        }));
        await Task.WhenAll(puts).WaitAsync(Patience * 2);
        var changes = await watch;

        var end = await store.CurrentRevisionAsync(None);
        Assert.Equal(start + (writers * putsPerWriter), end);
        Assert.Equal(Enumerable.Range(1, writers * putsPerWriter).Select(n => start + n), changes.Select(c => c.Revision));
        var replay = new SortedDictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        foreach (var change in changes)
            replay[change.Key] = (Text(change.Value), change.Revision);
        var state = await store.RangeAsync("/w/", None);
        Assert.Equal(replay.Select(p => (p.Key, p.Value.Value, p.Value.Revision)), state.Select(i => (i.Key, Text(i.Value), i.Revision)));
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_it()
    {
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);
        await store.PutAsync("/cancel/a", Bytes("1"), null, None);
        using var cancel = new CancellationTokenSource();
        await using var watch = store.WatchAsync("/cancel/", start, cancel.Token).GetAsyncEnumerator(CancellationToken.None);
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Patience));

        var next = watch.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        // Ending quietly and throwing OperationCanceledException are both allowed; hanging is not.
        var ended = await Record.ExceptionAsync(async () => Assert.False(await next.WaitAsync(Patience), "the watch delivered a change after it was cancelled"));
        Assert.True(ended is null or OperationCanceledException, $"the cancelled watch failed with {ended}");
    }

    [Fact]
    public async Task A_watch_from_the_current_revision_of_an_idle_store_waits_without_delivering_anything()
    {
        var store = await StoreAsync();
        await store.PutAsync("/idle/a", Bytes("1"), null, None);
        var start = await store.CurrentRevisionAsync(None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var delivered = new List<Change>();
        var ended = await Record.ExceptionAsync(async () =>
        {
            await foreach (var change in store.WatchAsync("/idle/", start, cancel.Token))
                delivered.Add(change);
        }).WaitAsync(Patience);

        Assert.True(ended is null or OperationCanceledException, $"the watch failed with {ended}");
        Assert.Empty(delivered);
    }

    [Fact]
    public async Task A_watch_from_beyond_the_stores_revision_throws_watch_compacted_rather_than_skip_the_revisions_to_come()
    {
        var store = await StoreAsync();
        var current = await store.PutAsync("/k", Bytes("v"), null, None);
        using var timeout = new CancellationTokenSource(Patience);

        var error = await Assert.ThrowsAsync<WatchCompactedException>(async () =>
        {
            await foreach (var _ in store.WatchAsync("/", current + 5, timeout.Token))
            {
            }
        });

        Assert.Equal((current + 5, current), (error.Requested, error.CurrentRevision));
    }
}
