using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task Get_of_a_missing_key_returns_null()
    {
        var store = await StoreAsync();

        Assert.Null(await store.GetAsync("/missing", None));
    }

    [Fact]
    public async Task A_fresh_store_is_at_revision_zero()
    {
        var store = await StoreAsync();

        Assert.Equal(0, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Put_then_get_returns_the_exact_bytes_and_the_revision_of_the_put()
    {
        var store = await StoreAsync();
        byte[] value = [0x00, 0xFF, 0x7B, 0x0A, 0x80, 0x00];

        var revision = await store.PutAsync("/roles/admin", value, null, None);
        var item = await store.GetAsync("/roles/admin", None);

        Assert.NotNull(item);
        Assert.Equal("/roles/admin", item.Key);
        Assert.Equal(value, item.Value.ToArray());
        Assert.Equal(revision, item.Revision);
        Assert.Null(item.Expires);
        Assert.True(revision > 0, "a write's revision is positive");
    }

    [Fact]
    public async Task An_empty_value_round_trips_as_empty()
    {
        var store = await StoreAsync();

        await store.PutAsync("/empty", ReadOnlyMemory<byte>.Empty, null, None);

        var item = await store.GetAsync("/empty", None);
        Assert.NotNull(item);
        Assert.Equal(0, item.Value.Length);
    }

    [Fact]
    public async Task A_put_with_an_expiry_reports_that_expiry()
    {
        var clock = FakeClock();
        var store = await StoreAsync(clock);
        var expires = clock.GetUtcNow().AddMinutes(5);

        await store.PutAsync("/sessions/a", Bytes("s"), expires, None);

        var item = await store.GetAsync("/sessions/a", None);
        Assert.NotNull(item);
        Assert.Equal(expires, item.Expires);
    }

    [Fact]
    public async Task Every_write_bumps_the_store_revision_by_one_and_an_overwrite_gives_the_key_the_new_revision()
    {
        var store = await StoreAsync();
        var start = await store.CurrentRevisionAsync(None);

        var first = await store.PutAsync("/a", Bytes("1"), null, None);
        var other = await store.PutAsync("/b", Bytes("2"), null, None);
        var overwrite = await store.PutAsync("/a", Bytes("3"), null, None);

        Assert.Equal([start + 1, start + 2, start + 3], [first, other, overwrite]);
        var a = await store.GetAsync("/a", None);
        Assert.NotNull(a);
        Assert.Equal("3", Text(a.Value));
        Assert.Equal(overwrite, a.Revision);
        Assert.Equal(other, (await store.GetAsync("/b", None))?.Revision);
        Assert.Equal(overwrite, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Delete_removes_a_live_key_reports_true_and_bumps_the_revision()
    {
        var store = await StoreAsync();
        var put = await store.PutAsync("/doomed", Bytes("x"), null, None);

        var deleted = await store.DeleteAsync("/doomed", None);

        Assert.True(deleted);
        Assert.Null(await store.GetAsync("/doomed", None));
        Assert.Equal(put + 1, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Delete_of_a_missing_key_reports_false_and_changes_nothing()
    {
        var store = await StoreAsync();
        await store.PutAsync("/kept", Bytes("x"), null, None);
        var before = await store.CurrentRevisionAsync(None);

        var deleted = await store.DeleteAsync("/missing", None);

        Assert.False(deleted);
        Assert.Equal(before, await store.CurrentRevisionAsync(None));
        Assert.NotNull(await store.GetAsync("/kept", None));
    }
}
