using Postern.Configuration;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary>The issuer URL and the <c>workload_identity</c> section of <c>postern.yaml</c>.</summary>
public sealed class IssuerConfigTests
{
    [Theory]
    [InlineData("https://postern.example.com:443", "https://postern.example.com/workload-identity")]
    [InlineData("https://postern.example.com", "https://postern.example.com/workload-identity")]
    [InlineData("https://postern.example.com:3080", "https://postern.example.com:3080/workload-identity")]
    public void The_issuer_is_the_public_address_without_a_default_port(string publicAddr, string issuer)
    {
        Assert.True(PublicAddr.TryParse(publicAddr, allowHttp: false, out var parsed, out var reason), reason);
        Assert.Equal(issuer, WorkloadIssuer.Issuer(parsed!));
    }

    [Fact]
    public void The_trust_domain_defaults_to_the_cluster_name_in_lower_case()
    {
        var config = ConfigLoader.Parse("cluster_name: Example.COM\n", "/tmp");
        Assert.Equal("example.com", config.TrustDomain);
        Assert.Equal(TimeSpan.FromMinutes(5), config.WorkloadIdentity.DefaultTtl);
        Assert.Equal(TimeSpan.FromHours(1), config.WorkloadIdentity.MaxTtl);

        config = ConfigLoader.Parse("cluster_name: example.com\nworkload_identity: { trust_domain: prod.example.org, default_ttl: 2m, max_ttl: 10m }\n", "/tmp");
        Assert.Equal("prod.example.org", config.TrustDomain);
        Assert.Equal(TimeSpan.FromMinutes(2), config.WorkloadIdentity.DefaultTtl);
        Assert.Equal(TimeSpan.FromMinutes(10), config.WorkloadIdentity.MaxTtl);
    }

    [Fact]
    public void A_bad_section_names_every_problem()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            "workload_identity: { trust_domain: Bad_Domain:1, default_ttl: 2h, max_ttl: 1h, lifetime: 5m }\n", "/tmp"));
        Assert.Contains("workload_identity.trust_domain", error.Message, StringComparison.Ordinal);
        Assert.Contains("workload_identity.default_ttl: '2h' is longer than max_ttl (1h)", error.Message, StringComparison.Ordinal);
        Assert.Contains("lifetime", error.Message, StringComparison.Ordinal);
    }
}
