using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Validation;

public sealed class TokenAcceptanceTests : IAsyncLifetime
{
    private ValidatorHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ValidatorHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Accepts_an_RS256_assertion_and_reads_the_identity()
    {
        var now = _harness.Clock.GetUtcNow();
        var builder = _harness.Token();

        var result = await _harness.ValidateAsync(builder.SignedBy(TestKeys.Rsa));

        Assert.True(result.IsValid, result.Message);
        Assert.Null(result.Rejection);
        var identity = result.Identity;
        Assert.Equal("alice", identity.Subject);
        Assert.Equal("alice", identity.UserName);
        Assert.Equal(["access", "editor"], identity.Roles);
        Assert.Equal(["root", "ubuntu"], identity.Traits["logins"]);
        Assert.Single(identity.Traits);
        Assert.Equal([TokenBuilder.Audience], identity.Audiences);
        Assert.Equal(TokenBuilder.Issuer, identity.Issuer);
        Assert.Equal(now.AddMinutes(5), identity.ExpiresAt);
        Assert.Equal(now, identity.IssuedAt);
        Assert.Equal(now.AddSeconds(-10), identity.NotBefore);
        Assert.Equal(builder.TokenId, identity.TokenId);
        Assert.Equal(TestKeys.Rsa.KeyId, identity.KeyId);
        Assert.Equal(builder.TokenId, identity.Claims.GetProperty("jti").GetString());
    }

    [Fact]
    public async Task Accepts_an_ES256_assertion()
    {
        var result = await _harness.ValidateAsync(_harness.Token().SignedBy(TestKeys.Ec));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(TestKeys.Ec.KeyId, result.Identity.KeyId);
    }

    [Fact]
    public async Task Accepts_a_token_made_by_IdentityModels_own_handler()
    {
        var now = _harness.Clock.GetUtcNow();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenBuilder.Issuer,
            Audience = TokenBuilder.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(5).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "bob",
                ["roles"] = new[] { "auditor" },
                ["traits"] = new Dictionary<string, object> { ["groups"] = new[] { "sre", "dba" } },
            },
            SigningCredentials = new SigningCredentials(TestKeys.Rsa.SecurityKey, SecurityAlgorithms.RsaSha256),
        });

        var result = await _harness.ValidateAsync(token);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("bob", result.Identity.UserName);
        Assert.Equal(["auditor"], result.Identity.Roles);
        Assert.Equal(["sre", "dba"], result.Identity.Traits["groups"]);
    }

    [Fact]
    public async Task Accepts_aud_as_a_bare_string()
    {
        var result = await _harness.ValidateAsync(_harness.Token().Claim("aud", TokenBuilder.Audience).SignedBy(TestKeys.Rsa));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal([TokenBuilder.Audience], result.Identity.Audiences);
    }

    [Fact]
    public async Task Accepts_aud_as_an_array_naming_this_app_among_others()
    {
        var token = _harness.Token().Claim("aud", new JsonArray("http://other:1", TokenBuilder.Audience)).SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(["http://other:1", TokenBuilder.Audience], result.Identity.Audiences);
    }

    [Theory]
    [InlineData(-10, null)]
    [InlineData(-29, null)]
    [InlineData(-30, TokenRejection.Expired)]
    [InlineData(-60, TokenRejection.Expired)]
    public async Task Tolerates_30_seconds_of_clock_skew_on_exp(int expiredSecondsAgo, TokenRejection? expected)
    {
        var now = _harness.Clock.GetUtcNow();
        var token = _harness.Token().Claim("nbf", now.AddMinutes(-5).ToUnixTimeSeconds()).Claim("exp", now.AddSeconds(expiredSecondsAgo).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.Equal(expected, result.Rejection);
        Assert.Equal(expected is null, result.IsValid);
    }

    [Theory]
    [InlineData(10, null)]
    [InlineData(30, null)]
    [InlineData(31, TokenRejection.NotYetValid)]
    public async Task Tolerates_30_seconds_of_clock_skew_on_nbf(int validInSeconds, TokenRejection? expected)
    {
        var token = _harness.Token().Claim("nbf", _harness.Clock.GetUtcNow().AddSeconds(validInSeconds).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.Equal(expected, result.Rejection);
    }

    [Fact]
    public async Task Reads_the_clock_it_was_given()
    {
        var token = _harness.Token().SignedBy(TestKeys.Rsa);
        Assert.True((await _harness.ValidateAsync(token)).IsValid);

        _harness.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));

        Assert.Equal(TokenRejection.Expired, (await _harness.ValidateAsync(token)).Rejection);
    }

    [Fact]
    public async Task Reads_a_JWT_SVID_without_user_name_roles_or_traits()
    {
        var token = _harness.Token()
            .Claim("sub", "spiffe://example.com/svc/billing")
            .WithoutClaim("username").WithoutClaim("roles").WithoutClaim("traits").WithoutClaim("nbf")
            .SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("spiffe://example.com/svc/billing", result.Identity.UserName);
        Assert.Empty(result.Identity.Roles);
        Assert.Empty(result.Identity.Traits);
        Assert.Null(result.Identity.NotBefore);
    }

    [Fact]
    public async Task Treats_null_roles_and_traits_as_absent()
    {
        var token = _harness.Token()
            .Claim("roles", null)
            .Claim("traits", new JsonObject { ["logins"] = new JsonArray("root"), ["empty"] = null })
            .SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.True(result.IsValid, result.Message);
        Assert.Empty(result.Identity.Roles);
        Assert.Empty(result.Identity.Traits["empty"]);
    }

    [Fact]
    public async Task Keeps_claims_it_does_not_model()
    {
        var token = _harness.Token().Claim("session", "s-42").SignedBy(TestKeys.Rsa);

        var result = await _harness.ValidateAsync(token);

        Assert.Equal(JsonValueKind.Object, result.Identity!.Claims.ValueKind);
        Assert.Equal("s-42", result.Identity.Claims.GetProperty("session").GetString());
    }
}
