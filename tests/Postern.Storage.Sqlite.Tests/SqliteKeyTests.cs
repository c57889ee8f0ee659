using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>Keys and prefixes beyond what the conformance suite asks of every backend.</summary>
public sealed class SqliteKeyTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("NUL")]
    [InlineData("lone high surrogate")]
    [InlineData("lone low surrogate")]
    [InlineData("surrogates in the wrong order")]
    public async Task Keys_that_SQLite_text_cannot_hold_exactly_are_rejected(string flaw)
    {
        // Built here, not passed in: test data is serialised as UTF-8, which turns a lone surrogate into U+FFFD.
        var key = flaw switch
        {
            "NUL" => "/a\0b",
            "lone high surrogate" => "/lone-" + (char)0xD800 + "-high",
            "lone low surrogate" => "/lone-" + (char)0xDC00 + "-low",
            _ => "/reversed-" + (char)0xDE00 + (char)0xD83D,
        };
        await using var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, Encoding.UTF8.GetBytes("v"), null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key, CancellationToken.None));
        Assert.Equal(0, await store.CurrentRevisionAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("roles/")]
    public async Task Range_and_watch_prefixes_follow_the_key_rules(string prefix)
    {
        await using var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.RangeAsync(prefix, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => store.WatchAsync(prefix, 0, CancellationToken.None));
    }

    [Fact]
    public async Task A_prefix_ending_in_the_largest_code_point_still_ranges_exactly()
    {
        await using var store = await OpenAsync();
        foreach (var key in new[] { "/m\U0010FFFF", "/m\U0010FFFFa", "/m\U0010FFFE", "/n", "/m" })
            await store.PutAsync(key, Encoding.UTF8.GetBytes(key), null, CancellationToken.None);

        var items = await store.RangeAsync("/m\U0010FFFF", CancellationToken.None);

        Assert.Equal(["/m\U0010FFFF", "/m\U0010FFFFa"], items.Select(i => i.Key));
    }

    [Theory]
    [InlineData("/a", "/b")]
    [InlineData("/a/", "/a0")]
    [InlineData("/\uD7FF", "/\uE000")]
    [InlineData("/x\U0010FFFF", "/y")]
    [InlineData("/\U0001F600", "/\U0001F601")]
    public void The_upper_bound_of_a_prefix_is_its_last_character_raised_by_one_code_point(string prefix, string upper)
    {
        Assert.Equal(new PrefixRange(prefix, upper), PrefixRange.For(prefix));
    }

    [Fact]
    public void A_prefix_of_only_the_largest_code_point_has_no_upper_bound()
    {
        Assert.Null(PrefixRange.For("\U0010FFFF\U0010FFFF").Upper);
    }

    private Task<SqliteBackend> OpenAsync() =>
        SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
}
