namespace Postern.Core.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("7d", 604800)]
    [InlineData("1d2h3m4s", 93784)]
    [InlineData(" 10s ", 10)]
    public void Reads_number_and_unit_pairs(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var value, out var reason), reason);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void Reads_milliseconds() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Durations.TryParse("1s500ms", out var value, out _) ? value : TimeSpan.Zero);

    [Theory]
    [InlineData("", "required")]
    [InlineData("5", "not a duration")]
    [InlineData("m", "not a duration")]
    [InlineData("5 m", "not a duration")]
    [InlineData("-5m", "not a duration")]
    [InlineData("5w", "unknown unit 'w'")]
    [InlineData("5M", "not a duration")]
    [InlineData("99999999999999999d", "too long")]
    public void Refuses_what_is_not_a_duration_and_says_why(string text, string expected)
    {
        Assert.False(Durations.TryParse(text, out _, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, "5m")]
    [InlineData(5400, "1h30m")]
    [InlineData(86400, "1d")]
    [InlineData(0, "0s")]
    public void Formats_as_it_reads(int seconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(Durations.TryParse(expected, out var back, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }
}
