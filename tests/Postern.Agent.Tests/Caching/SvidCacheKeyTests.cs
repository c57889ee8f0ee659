using Postern.Agent.Attestation;
using Postern.Agent.Caching;

namespace Postern.Agent.Tests.Caching;

public sealed class SvidCacheKeyTests
{
    private static readonly UnixWorkload Workload = new(1000, 1000, 4242, "/usr/bin/app");

    [Fact]
    public void Audience_sets_that_concatenate_alike_have_different_keys()
    {
        Assert.NotEqual(SvidCacheKey.For(Workload, ["ab", "cd"]), SvidCacheKey.For(Workload, ["a", "bcd"]));
        Assert.NotEqual(SvidCacheKey.For(Workload, ["ab", "cd"]), SvidCacheKey.For(Workload, ["abcd"]));
        Assert.NotEqual(SvidCacheKey.For(Workload, ["a;b"]), SvidCacheKey.For(Workload, ["a", "b"]));
    }

    [Fact]
    public void The_audience_order_and_repeats_do_not_matter()
    {
        Assert.Equal(SvidCacheKey.For(Workload, ["db", "api"]), SvidCacheKey.For(Workload, ["api", "db", "api"]));
        Assert.Equal(["api", "db"], SvidCacheKey.For(Workload, ["db", "api", "db"]).Audiences);
    }

    [Fact]
    public void The_pid_is_not_part_of_the_key()
    {
        Assert.Equal(SvidCacheKey.For(Workload, ["db"]), SvidCacheKey.For(Workload with { Pid = 1 }, ["db"]));
    }

    public static TheoryData<string, UnixWorkload> OtherCallers => new()
    {
        { "another uid", Workload with { Uid = 1001 } },
        { "another gid", Workload with { Gid = 1001 } },
        { "another executable", Workload with { Exe = "/usr/bin/other" } },
        { "no executable", Workload with { Exe = null } },
        { "an executable named like the absent marker", Workload with { Exe = "-" } },
    };

    [Theory]
    [MemberData(nameof(OtherCallers))]
    public void Callers_that_policy_can_tell_apart_never_share_a_key(string row, UnixWorkload other)
    {
        Assert.False(SvidCacheKey.For(Workload, ["db"]).Equals(SvidCacheKey.For(other, ["db"])), row);
    }

    [Fact]
    public void An_executable_path_cannot_pass_for_an_audience()
    {
        var a = SvidCacheKey.For(Workload with { Exe = "/x;aud:2:db" }, ["db"]);
        var b = SvidCacheKey.For(Workload with { Exe = "/x" }, ["db", "db"]);
        Assert.NotEqual(a, b);
    }
}
