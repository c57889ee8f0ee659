using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Validation;

/// <summary>JWT-SVIDs accepted against a bundle, as the agent's <c>ValidateJWTSVID</c> validates them.</summary>
public sealed class JwtSvidAcceptanceTests
{
    private readonly SvidHarness _harness = new();

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Accepts_a_good_SVID_with_its_SPIFFE_ID_and_claims(string algorithm)
    {
        var key = algorithm == "RS256" ? TestKeys.Rsa : TestKeys.Ec;
        var builder = _harness.Token();

        var result = await _harness.ValidateAsync(builder.SignedBy(key));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("spiffe://example.com/uid/1000", result.Identity.Subject);
        Assert.Equal(["db", "api"], result.Identity.Audiences);
        Assert.Equal("", result.Identity.Issuer);
        Assert.Equal(key.KeyId, result.Identity.KeyId);
        Assert.Equal(builder.TokenId, result.Identity.Claims.GetProperty("jti").GetString());
    }

    [Fact]
    public async Task Accepts_a_single_string_audience()
    {
        var result = await _harness.ValidateAsync(_harness.Token().Claim("aud", SvidHarness.Audience).SignedBy(TestKeys.Rsa));

        Assert.True(result.IsValid, result.Message);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("JOSE")]
    [InlineData(null)]
    public async Task Accepts_typ_JWT_JOSE_or_none(string? type)
    {
        var builder = _harness.Token();
        var token = type is null ? builder.WithoutHeader("typ").SignedBy(TestKeys.Rsa) : builder.Header("typ", type).SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.True(result.IsValid, result.Message);
    }

    /// <summary>The one exp and nbf rule, the app assertions' too: refused when now ≥ exp + skew or now &lt; nbf − skew.</summary>
    [Theory]
    [InlineData(-29, 0, null)]
    [InlineData(-30, 0, TokenRejection.Expired)]
    [InlineData(300, 30, null)]
    [InlineData(300, 31, TokenRejection.NotYetValid)]
    public async Task Applies_the_30_second_clock_skew_to_exp_and_nbf(int expiresInSeconds, int validInSeconds, TokenRejection? expected)
    {
        var now = _harness.Clock.GetUtcNow();
        var token = _harness.Token()
            .Claim("exp", now.AddSeconds(expiresInSeconds).ToUnixTimeSeconds())
            .Claim("nbf", now.AddSeconds(validInSeconds).ToUnixTimeSeconds())
            .SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.Equal(expected, result.Rejection);
        Assert.Equal(expected is null, result.IsValid);
    }

    [Fact]
    public async Task Requires_iss_only_when_an_issuer_is_configured()
    {
        var harness = new SvidHarness(SvidHarness.DefaultOptions with { Issuer = "https://postern.example.com/workload-identity" });

        var without = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));
        var with = await harness.ValidateAsync(harness.Token().Claim("iss", "https://postern.example.com/workload-identity").SignedBy(TestKeys.Rsa));

        Assert.Equal(TokenRejection.MissingClaim, without.Rejection);
        Assert.True(with.IsValid, with.Message);
    }

    [Fact]
    public async Task Accepts_an_SVID_with_claims_beyond_the_SPIFFE_ones()
    {
        var result = await _harness.ValidateAsync(_harness.Token().Claim("iss", "anyone").Claim("extra", new JsonObject { ["a"] = 1 }).SignedBy(TestKeys.Rsa));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(1, result.Identity.Claims.GetProperty("extra").GetProperty("a").GetInt32());
    }
}
