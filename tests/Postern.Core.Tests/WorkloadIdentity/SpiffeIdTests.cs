using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary>The SPIFFE ID specification's rules, one case each.</summary>
public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("spiffe://example.com")]
    [InlineData("spiffe://example.com/uid/1000")]
    [InlineData("spiffe://td-1_x.io/a.b/c-d/e_f/A9")]
    [InlineData("spiffe://example.com/..a/b..")]
    public void Accepts_well_formed_ids(string id) => Assert.Null(SpiffeId.Check(id, out _, out _));

    [Theory]
    [InlineData("http://example.com/x", "does not start with 'spiffe://'")]
    [InlineData("SPIFFE://example.com/x", "does not start with 'spiffe://'")]
    [InlineData("spiffe://", "the trust domain is empty")]
    [InlineData("spiffe:///x", "the trust domain is empty")]
    [InlineData("spiffe://Example.com/x", "holds 'E'")]
    [InlineData("spiffe://example.com:443/x", "holds ':'")]
    [InlineData("spiffe://user@example.com/x", "holds '@'")]
    [InlineData("spiffe://example.com/", "ends with '/'")]
    [InlineData("spiffe://example.com/a//b", "empty segment")]
    [InlineData("spiffe://example.com/a/./b", "a '.' segment")]
    [InlineData("spiffe://example.com/a/../b", "a '..' segment")]
    [InlineData("spiffe://example.com/a?b=c", "holds '?'")]
    [InlineData("spiffe://example.com/a#frag", "holds '#'")]
    [InlineData("spiffe://example.com/a%20b", "holds '%'")]
    [InlineData("spiffe://example.com/a b", "holds '\\u0020'")]
    public void Rejects_malformed_ids_naming_the_problem(string id, string expected)
    {
        var error = SpiffeId.Check(id, out _, out _);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_ids_over_2048_bytes()
    {
        var id = "spiffe://example.com/" + new string('a', 2048);
        Assert.Contains("longer than 2048", SpiffeId.Check(id, out _, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_trust_domain_and_path()
    {
        Assert.Null(SpiffeId.Check("spiffe://example.com/ns/web", out var domain, out var path));
        Assert.Equal("example.com", domain);
        Assert.Equal("/ns/web", path);
    }
}
