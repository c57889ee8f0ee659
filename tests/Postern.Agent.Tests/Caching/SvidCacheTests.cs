using Postern.Agent.Attestation;
using Postern.Agent.Caching;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Tests.Caching;

public sealed class SvidCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CachedSvids Entry(uint uid, TimeSpan lifetime, params string[] audiences)
    {
        var workload = new UnixWorkload(uid, uid, 1, "/bin/app");
        var key = SvidCacheKey.For(workload, audiences.Length == 0 ? ["db"] : audiences);
        return new CachedSvids(key, workload, [new IssuedSvid($"spiffe://td/uid/{uid}", $"token-{uid}", Now + lifetime, $"jti-{uid}", "by-uid", null)], Now);
    }

    [Fact]
    public void An_entry_is_served_until_its_expiry_and_never_at_or_after_it()
    {
        var cache = new SvidCache(10);
        var entry = Entry(1, TimeSpan.FromMinutes(5));
        cache.Put(entry, cache.Generation);

        Assert.True(cache.TryGet(entry.Key, Now + TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1), out _));
        Assert.False(cache.TryGet(entry.Key, Now + TimeSpan.FromMinutes(5), out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void One_callers_entry_is_never_returned_for_another()
    {
        var cache = new SvidCache(10);
        cache.Put(Entry(1, TimeSpan.FromMinutes(5)), cache.Generation);

        Assert.False(cache.TryGet(Entry(2, TimeSpan.FromMinutes(5)).Key, Now, out _));
        Assert.True(cache.TryGet(Entry(1, TimeSpan.FromMinutes(5)).Key, Now, out var found));
        Assert.Equal("token-1", found.Svids[0].JwtSvid);
    }

    [Fact]
    public void Past_its_capacity_the_oldest_entry_goes()
    {
        var cache = new SvidCache(2);
        cache.Put(Entry(1, TimeSpan.FromMinutes(5)), cache.Generation);
        cache.Put(Entry(2, TimeSpan.FromMinutes(5)), cache.Generation);
        cache.Put(Entry(3, TimeSpan.FromMinutes(5)), cache.Generation);

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet(Entry(1, TimeSpan.FromMinutes(5)).Key, Now, out _));
        Assert.True(cache.TryGet(Entry(3, TimeSpan.FromMinutes(5)).Key, Now, out _));
    }

    [Fact]
    public void An_answer_fetched_before_a_clear_is_not_stored_after_it()
    {
        var cache = new SvidCache(10);
        var generation = cache.Generation;
        cache.Clear();

        Assert.False(cache.Put(Entry(1, TimeSpan.FromMinutes(5)), generation));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Only_used_entries_are_due_for_renewal_from_half_their_life()
    {
        var cache = new SvidCache(10);
        var used = Entry(1, TimeSpan.FromMinutes(4));
        var unused = Entry(2, TimeSpan.FromMinutes(4));
        cache.Put(used, cache.Generation);
        cache.Put(unused, cache.Generation);
        Assert.True(cache.TryGet(used.Key, Now, out _));

        Assert.Empty(cache.TakeDueForRenewal(Now + TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1)));
        Assert.Same(used, Assert.Single(cache.TakeDueForRenewal(Now + TimeSpan.FromMinutes(2))));
    }

    [Fact]
    public void Expired_entries_are_dropped_when_renewal_is_looked_for()
    {
        var cache = new SvidCache(10);
        cache.Put(Entry(1, TimeSpan.FromMinutes(1)), cache.Generation);

        Assert.Empty(cache.TakeDueForRenewal(Now + TimeSpan.FromMinutes(1)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void An_entry_expires_with_its_earliest_SVID()
    {
        var workload = new UnixWorkload(1, 1, 1, null);
        var entry = new CachedSvids(SvidCacheKey.For(workload, ["db"]), workload,
        [
            new IssuedSvid("spiffe://td/a", "a", Now + TimeSpan.FromMinutes(5), "1", "w", null),
            new IssuedSvid("spiffe://td/b", "b", Now + TimeSpan.FromMinutes(2), "2", "w", null),
        ], Now);

        Assert.Equal(Now + TimeSpan.FromMinutes(2), entry.Expires);
        Assert.Equal(Now + TimeSpan.FromMinutes(1), entry.RenewAt);
    }
}
