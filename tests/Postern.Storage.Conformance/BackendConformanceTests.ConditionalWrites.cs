using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task Compare_and_swap_expecting_absent_creates_a_missing_key()
    {
        var store = await StoreAsync();

        var result = await store.CompareAndSwapAsync("/new", Revision.Absent, Bytes("v"), null, None);

        Assert.True(result.Succeeded);
        var item = await store.GetAsync("/new", None);
        Assert.NotNull(item);
        Assert.Equal("v", Text(item.Value));
        Assert.Equal(result.Revision, item.Revision);
        Assert.Equal(result.Revision, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_swap_expecting_absent_conflicts_when_the_key_exists_and_changes_nothing()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/taken", Bytes("first"), null, None);

        var result = await store.CompareAndSwapAsync("/taken", Revision.Absent, Bytes("second"), null, None);

        Assert.False(result.Succeeded);
        await AssertUnchangedAsync(store, "/taken", "first", put);
    }

    [Fact]
    public async Task Compare_and_swap_with_the_current_revision_writes_and_returns_the_new_revision()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/k", Bytes("old"), null, None);

        var result = await store.CompareAndSwapAsync("/k", put, Bytes("new"), null, None);

        Assert.True(result.Succeeded);
        Assert.Equal(put + 1, result.Revision);
        var item = await store.GetAsync("/k", None);
        Assert.Equal("new", Text(item!.Value));
        Assert.Equal(result.Revision, item.Revision);
    }

    [Fact]
    public async Task Compare_and_swap_with_a_stale_revision_conflicts_and_changes_nothing()
    {
        var store = await StoreAsync();
        var stale = await store.PutAsync("/k", Bytes("v1"), null, None);
        var current = await store.PutAsync("/k", Bytes("v2"), null, None);

        var result = await store.CompareAndSwapAsync("/k", stale, Bytes("v3"), null, None);

        Assert.False(result.Succeeded);
        Assert.Equal(WriteResult.Conflict, result);
        await AssertUnchangedAsync(store, "/k", "v2", current);
    }

    [Fact]
    public async Task Compare_and_swap_with_a_revision_on_a_missing_key_conflicts()
    {
        var store = await StoreAsync();
        var other = await store.PutAsync("/other", Bytes("x"), null, None);

        var result = await store.CompareAndSwapAsync("/missing", other, Bytes("v"), null, None);

        Assert.False(result.Succeeded);
        Assert.Null(await store.GetAsync("/missing", None));
        Assert.Equal(other, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_swap_on_a_deleted_key_expecting_its_last_revision_conflicts()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/gone", Bytes("x"), null, None);
        await store.DeleteAsync("/gone", None);

        var result = await store.CompareAndSwapAsync("/gone", put, Bytes("back"), null, None);

        Assert.False(result.Succeeded);
        Assert.Null(await store.GetAsync("/gone", None));
    }

    [Fact]
    public async Task Compare_and_delete_with_the_current_revision_deletes_and_returns_the_revision_of_the_delete()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/k", Bytes("v"), null, None);

        var result = await store.CompareAndDeleteAsync("/k", put, None);

        Assert.True(result.Succeeded);
        Assert.Equal(put + 1, result.Revision);
        Assert.Equal(result.Revision, await store.CurrentRevisionAsync(None));
        Assert.Null(await store.GetAsync("/k", None));
    }

    [Fact]
    public async Task Compare_and_delete_with_a_stale_revision_conflicts_and_changes_nothing()
    {
        var store = await StoreAsync();
        var stale = await store.PutAsync("/k", Bytes("v1"), null, None);
        var current = await store.PutAsync("/k", Bytes("v2"), null, None);

        var result = await store.CompareAndDeleteAsync("/k", stale, None);

        Assert.False(result.Succeeded);
        await AssertUnchangedAsync(store, "/k", "v2", current);
    }

    [Fact]
    public async Task Compare_and_delete_of_a_missing_key_conflicts()
    {
        var store = await StoreAsync();
        var other = await store.PutAsync("/other", Bytes("x"), null, None);

        var result = await store.CompareAndDeleteAsync("/missing", other, None);

        Assert.False(result.Succeeded);
        Assert.Equal(other, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_delete_expecting_absent_is_refused_as_a_programming_error()
    {
        var store = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CompareAndDeleteAsync("/k", Revision.Absent, None));
        Assert.Equal(0, await store.CurrentRevisionAsync(None));
    }

    private static async Task AssertUnchangedAsync(IBackend store, string key, string value, long revision)
    {
        var item = await store.GetAsync(key, None);
        Assert.NotNull(item);
        Assert.Equal(value, Text(item.Value));
        Assert.Equal(revision, item.Revision);
        Assert.Equal(revision, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_swap_with_companions_writes_all_of_them_in_one_go_the_key_first()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/doc", Bytes("old"), null, None);

        var result = await store.CompareAndSwapWithAsync("/doc", put, Bytes("new"), null, [new BatchPut("/log/1", Bytes("a"), null), new BatchPut("/log/2", Bytes("b"), null)], None);

        Assert.True(result.Succeeded);
        Assert.Equal(put + 1, result.Revision);
        Assert.Equal(result.Revision, (await store.GetAsync("/doc", None))!.Revision);
        Assert.Equal("new", Text((await store.GetAsync("/doc", None))!.Value));
        Assert.Equal([("/log/1", "a", put + 2), ("/log/2", "b", put + 3)], (await store.RangeAsync("/log/", None)).Select(i => (i.Key, Text(i.Value), i.Revision)));
        Assert.Equal(put + 3, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_swap_with_companions_that_conflicts_writes_none_of_them()
    {
        var store = await StoreAsync();
        var stale = await store.PutAsync("/doc", Bytes("v1"), null, None);
        var current = await store.PutAsync("/doc", Bytes("v2"), null, None);

        var result = await store.CompareAndSwapWithAsync("/doc", stale, Bytes("v3"), null, [new BatchPut("/log/1", Bytes("a"), null)], None);

        Assert.Equal(WriteResult.Conflict, result);
        await AssertUnchangedAsync(store, "/doc", "v2", current);
        Assert.Null(await store.GetAsync("/log/1", None));
        Assert.Equal(current, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compare_and_swap_with_a_companion_on_the_same_key_is_refused()
    {
        var store = await StoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompareAndSwapWithAsync("/doc", Revision.Absent, Bytes("v"), null, [new BatchPut("/doc", Bytes("again"), null)], None));

        Assert.Null(await store.GetAsync("/doc", None));
    }
}
