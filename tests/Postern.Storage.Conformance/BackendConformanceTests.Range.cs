using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task Range_returns_the_items_under_a_prefix_ordered_by_key()
    {
        var store = await StoreAsync();
        foreach (var key in new[] { "/roles/zeta", "/users/bob", "/roles/alpha", "/roles/Mid", "/roles/beta", "/rolesx" })
            await store.PutAsync(key, Bytes(key), null, None);

        var items = await store.RangeAsync("/roles/", None);

        Assert.Equal(["/roles/Mid", "/roles/alpha", "/roles/beta", "/roles/zeta"], items.Select(i => i.Key));
        Assert.All(items, i => Assert.Equal(i.Key, Text(i.Value)));
    }

    [Fact]
    public async Task Range_returns_each_item_with_its_own_revision()
    {
        var store = await StoreAsync();
        var a = await store.PutAsync("/r/a", Bytes("a"), null, None);
        var b = await store.PutAsync("/r/b", Bytes("b"), null, None);

        var items = await store.RangeAsync("/r/", None);

        Assert.Equal([a, b], items.Select(i => i.Revision));
    }

    [Fact]
    public async Task Range_of_a_prefix_nothing_starts_with_is_empty()
    {
        var store = await StoreAsync();
        await store.PutAsync("/a/1", Bytes("1"), null, None);

        Assert.Empty(await store.RangeAsync("/b/", None));
    }

    [Fact]
    public async Task Range_matches_percent_underscore_star_bracket_and_backslash_literally()
    {
        var store = await StoreAsync();
        string[] keys = ["/p/100%/x", "/p/100a/x", "/p/1000/x", "/p/a_b", "/p/axb", "/p/a*", "/p/ab", "/p/[c]", "/p/c", "/p/\\d", "/p/d"];
        foreach (var key in keys)
            await store.PutAsync(key, Bytes(key), null, None);

        Assert.Equal(["/p/100%/x"], (await store.RangeAsync("/p/100%", None)).Select(i => i.Key));
        Assert.Equal(["/p/a_b"], (await store.RangeAsync("/p/a_", None)).Select(i => i.Key));
        Assert.Equal(["/p/a*"], (await store.RangeAsync("/p/a*", None)).Select(i => i.Key));
        Assert.Equal(["/p/[c]"], (await store.RangeAsync("/p/[", None)).Select(i => i.Key));
        Assert.Equal(["/p/\\d"], (await store.RangeAsync("/p/\\", None)).Select(i => i.Key));
    }

    [Fact]
    public async Task Range_matches_by_characters_so_a_prefix_without_a_trailing_slash_also_matches_longer_segments()
    {
        var store = await StoreAsync();
        foreach (var key in new[] { "/roles/admin", "/roles/admin/x", "/roles/administrators", "/roles/adm", "/roles/b" })
            await store.PutAsync(key, Bytes(key), null, None);

        var bySegment = await store.RangeAsync("/roles/admin/", None);
        var byCharacters = await store.RangeAsync("/roles/admin", None);

        Assert.Equal(["/roles/admin/x"], bySegment.Select(i => i.Key));
        Assert.Equal(["/roles/admin", "/roles/admin/x", "/roles/administrators"], byCharacters.Select(i => i.Key));
    }

    [Fact]
    public async Task Range_is_exact_and_ordinal_for_characters_outside_ascii()
    {
        var store = await StoreAsync();
        string[] keys = ["/u/é", "/u/éa", "/u/e", "/u/f", "/u/\uFFFD", "/u/\U0001F600", "/u/\U0001F600x", "/u/\U0001F601", "/u/\uE000", "/u/z", "/u/\U0010FFFF", "/v"];
        foreach (var key in keys)
            await store.PutAsync(key, Bytes(key), null, None);

        var all = await store.RangeAsync("/u/", None);
        var accented = await store.RangeAsync("/u/é", None);
        var emoji = await store.RangeAsync("/u/\U0001F600", None);

        var expected = keys.Where(k => k.StartsWith("/u/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, all.Select(i => i.Key));
        Assert.Equal(["/u/é", "/u/éa"], accented.Select(i => i.Key));
        Assert.Equal(["/u/\U0001F600", "/u/\U0001F600x"], emoji.Select(i => i.Key));
    }

    [Fact]
    public async Task Range_of_slash_returns_every_live_item()
    {
        var store = await StoreAsync();
        await store.PutAsync("/a", Bytes("a"), null, None);
        await store.PutAsync("/b/c", Bytes("b"), null, None);

        var items = await store.RangeAsync("/", None);

        Assert.Equal(["/a", "/b/c"], items.Select(i => i.Key));
    }
}
