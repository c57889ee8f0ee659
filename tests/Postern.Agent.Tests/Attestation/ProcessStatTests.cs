using Postern.Agent.Attestation;

namespace Postern.Agent.Tests.Attestation;

public sealed class ProcessStatTests
{
    private const string Tail = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21";

    [Theory]
    [InlineData("1234 (app)" + Tail, 987654UL)]
    [InlineData("1234 (my app)" + Tail, 987654UL)]
    [InlineData("1234 (a) S 1 2 (b)" + Tail, 987654UL)]
    [InlineData("1234 ()) ) (" + ")" + Tail, 987654UL)]
    public void The_start_time_is_field_22_counted_after_the_last_parenthesis(string stat, ulong expected)
    {
        Assert.True(ProcessStat.TryParseStartTime(stat, out var start));
        Assert.Equal(expected, start);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234 app S 1 2 3")]
    [InlineData("1234 (app) S 1 2 3")]
    [InlineData("1234 (app) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 notanumber")]
    public void A_malformed_stat_has_no_start_time(string stat)
    {
        Assert.False(ProcessStat.TryParseStartTime(stat, out _));
    }

    [Fact]
    public void The_own_process_has_a_start_time()
    {
        Assert.True(ProcessStat.TryParseStartTime(File.ReadAllText("/proc/self/stat"), out var start));
        Assert.True(start > 0);
    }
}
