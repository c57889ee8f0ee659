using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task An_item_is_visible_until_the_clock_reaches_its_expiry_and_invisible_from_then_on()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        await store.PutAsync("/sessions/s1", Bytes("s"), clock.GetUtcNow().AddSeconds(30), None);

        clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        var before = await store.GetAsync("/sessions/s1", None);
        var rangeBefore = await store.RangeAsync("/sessions/", None);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var at = await store.GetAsync("/sessions/s1", None);
        var rangeAt = await store.RangeAsync("/sessions/", None);

        Assert.NotNull(before);
        Assert.Single(rangeBefore);
        Assert.Null(at);
        Assert.Empty(rangeAt);
    }

    [Fact]
    public async Task Range_leaves_out_expired_items_and_keeps_the_rest()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var now = clock.GetUtcNow();
        await store.PutAsync("/t/short", Bytes("1"), now.AddSeconds(10), None);
        await store.PutAsync("/t/long", Bytes("2"), now.AddHours(1), None);
        await store.PutAsync("/t/never", Bytes("3"), null, None);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["/t/long", "/t/never"], (await store.RangeAsync("/t/", None)).Select(i => i.Key));
    }

    [Fact]
    public async Task Compare_and_swap_expecting_absent_succeeds_over_an_expired_item()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var old = await store.PutAsync("/locks/job", Bytes("holder-1"), clock.GetUtcNow().AddSeconds(5), None);
        clock.Advance(TimeSpan.FromSeconds(6));

        var result = await store.CompareAndSwapAsync("/locks/job", Revision.Absent, Bytes("holder-2"), null, None);
        var stale = await store.CompareAndSwapAsync("/locks/job", old, Bytes("holder-3"), null, None);

        Assert.True(result.Succeeded);
        Assert.False(stale.Succeeded);
        var item = await store.GetAsync("/locks/job", None);
        Assert.Equal("holder-2", Text(item!.Value));
        Assert.Null(item.Expires);
    }

    [Fact]
    public async Task Compare_and_swap_with_the_revision_of_an_expired_item_conflicts()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var put = await store.PutAsync("/k", Bytes("v"), clock.GetUtcNow().AddSeconds(5), None);
        clock.Advance(TimeSpan.FromSeconds(5));

        var result = await store.CompareAndSwapAsync("/k", put, Bytes("w"), null, None);

        Assert.False(result.Succeeded);
        Assert.Null(await store.GetAsync("/k", None));
    }

    [Fact]
    public async Task Delete_of_an_expired_item_reports_false()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var put = await store.PutAsync("/k", Bytes("v"), clock.GetUtcNow().AddSeconds(5), None);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await store.DeleteAsync("/k", None));
        Assert.False((await store.CompareAndDeleteAsync("/k", put, None)).Succeeded);
    }

    [Fact]
    public async Task The_sweep_deletes_expired_items_and_a_watcher_sees_one_delete_change_for_each()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var now = clock.GetUtcNow();
        await store.PutAsync("/s/expiring", Bytes("1"), now.AddSeconds(10), None);
        await store.PutAsync("/s/lasting", Bytes("2"), now.AddHours(1), None);
        var start = await store.CurrentRevisionAsync(None);

        var watch = WatchCollector.TakeAsync(store, "/s/", start, 1, Patience);
        clock.Advance(TimeSpan.FromSeconds(11));
        await SweepAsync(store).WaitAsync(Patience);
        var changes = await watch;

        var delete = Assert.Single(changes);
        Assert.Equal(ChangeKind.Delete, delete.Kind);
        Assert.Equal("/s/expiring", delete.Key);
        Assert.Equal(start + 1, delete.Revision);
        Assert.Equal(start + 1, await store.CurrentRevisionAsync(None));
        Assert.NotNull(await store.GetAsync("/s/lasting", None));
    }

    [Fact]
    public async Task The_sweep_leaves_live_items_and_the_revision_alone()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        await store.PutAsync("/s/later", Bytes("1"), clock.GetUtcNow().AddHours(1), None);
        await store.PutAsync("/s/never", Bytes("2"), null, None);
        var before = await store.CurrentRevisionAsync(None);

        await SweepAsync(store).WaitAsync(Patience);

        Assert.Equal(before, await store.CurrentRevisionAsync(None));
        Assert.Equal(2, (await store.RangeAsync("/s/", None)).Count);
    }
}
