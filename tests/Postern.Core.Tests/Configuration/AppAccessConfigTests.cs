using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

public sealed class AppAccessConfigTests
{
    [Fact]
    public void Defaults_are_five_minute_assertions_and_twelve_hour_sessions()
    {
        var config = ConfigLoader.Parse("", "/etc/postern").AppAccess;
        Assert.Equal(TimeSpan.FromMinutes(5), config.AssertionTtl);
        Assert.Equal(TimeSpan.FromHours(12), config.SessionTtl);
    }

    [Fact]
    public void Durations_are_read_as_written()
    {
        var config = ConfigLoader.Parse("app_access: { assertion_ttl: 90s, session_ttl: 8h }", "/etc/postern").AppAccess;
        Assert.Equal(TimeSpan.FromSeconds(90), config.AssertionTtl);
        Assert.Equal(TimeSpan.FromHours(8), config.SessionTtl);
    }

    [Theory]
    [InlineData("app_access: { assertion_ttl: soon }", "app_access.assertion_ttl: 'soon' is not a duration")]
    [InlineData("app_access: { assertion_ttl: 4s }", "app_access.assertion_ttl: '4s' is out of range (5s to 1h)")]
    [InlineData("app_access: { session_ttl: 60d }", "app_access.session_ttl: '60d' is out of range (1m to 30d)")]
    [InlineData("app_access: { session: 1h }", "app_access.session: unknown field")]
    public void A_bad_value_is_named_with_its_path(string yaml, string expected)
    {
        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "/etc/postern")).Errors.Select(e => e.ToString());
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
