using System.Net;
using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

/// <summary><c>trusted_proxies</c>, and apps on Postern's own address.</summary>
public sealed class HeaderHygieneConfigTests
{
    private static IReadOnlyList<string> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "/etc/postern")).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Trusted_proxies_are_read_as_networks_and_a_single_address_is_a_network_of_one()
    {
        var config = ConfigLoader.Parse("trusted_proxies: [10.0.0.0/8, 'fd00::/8', 192.168.1.10]", "/etc/postern");

        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8"), IPNetwork.Parse("192.168.1.10/32")], config.TrustedProxies);
        Assert.Empty(ConfigLoader.Parse("", "/etc/postern").TrustedProxies);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.1.2.3/8")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/")]
    public void A_bad_trusted_proxy_is_a_config_error_at_its_path(string cidr)
    {
        var errors = Errors($"trusted_proxies: [10.0.0.0/8, '{cidr}']");

        Assert.Equal([$"trusted_proxies[1]: '{cidr}' is not a network in CIDR notation with no bits set after the prefix (e.g. 10.0.0.0/8, 192.168.1.10/32, fd00::/8)"], errors);
    }

    [Theory]
    [InlineData("postern.example.com")]
    [InlineData("POSTERN.Example.com:3080")]
    [InlineData("postern.example.com:8443")]
    public void An_app_on_Posterns_own_host_is_refused_at_load(string publicAddr)
    {
        var errors = Errors($$"""
            public_addr: https://postern.example.com:3080
            apps:
              - { name: ok, uri: 'http://127.0.0.1:1', public_addr: grafana.example.com }
              - { name: self, uri: 'http://127.0.0.1:1', public_addr: '{{publicAddr}}' }
            """);

        var error = Assert.Single(errors);
        Assert.StartsWith($"apps[1].public_addr: '{publicAddr}' is Postern's own address (https://postern.example.com:3080)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_app_on_another_host_of_the_same_domain_is_accepted()
    {
        var config = ConfigLoader.Parse("""
            public_addr: https://postern.example.com
            apps: [{ name: app, uri: 'http://127.0.0.1:1', public_addr: app.postern.example.com }]
            """, "/etc/postern");

        Assert.Single(config.Apps);
    }
}
