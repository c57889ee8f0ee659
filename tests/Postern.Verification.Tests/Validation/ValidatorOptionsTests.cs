using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Validation;

public sealed class ValidatorOptionsTests
{
    [Fact]
    public async Task Allowed_algorithms_can_narrow_the_set()
    {
        await using var harness = await ValidatorHarness.StartAsync(
            validatorOptions: ValidatorHarness.DefaultOptions with { AllowedAlgorithms = new HashSet<string> { "ES256" } });

        var rsa = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));
        var ec = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Ec));

        Assert.Equal(TokenRejection.AlgorithmNotAllowed, rsa.Rejection);
        Assert.True(ec.IsValid, ec.Message);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("RS512")]
    public void Allowed_algorithms_cannot_widen_the_set(string algorithm)
    {
        var options = new PosternTokenValidatorOptions { AllowedAlgorithms = new HashSet<string> { "RS256", algorithm } };

        var error = Assert.Throws<ArgumentException>(() => CreateValidator(options));

        Assert.Contains($"'{algorithm}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var options = new PosternTokenValidatorOptions
        {
            Issuer = "",
            Audiences = [],
            ClockSkew = TimeSpan.FromSeconds(-1),
            AllowedAlgorithms = new HashSet<string>(),
        };

        var error = Assert.Throws<ArgumentException>(() => CreateValidator(options));

        Assert.Contains("Issuer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Audiences", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClockSkew", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedAlgorithms", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Example.com", "db", "TrustDomain 'Example.com'")]
    [InlineData("", "db", "TrustDomain ''")]
    [InlineData("example.com:8443", "db", "TrustDomain 'example.com:8443'")]
    [InlineData("example.com", null, "Audiences")]
    public void A_JWT_SVID_validator_needs_a_trust_domain_name_and_audiences(string trustDomain, string? audience, string named)
    {
        var options = new PosternTokenValidatorOptions { TrustDomain = trustDomain, Audiences = audience is null ? null : [audience] };

        var error = Assert.Throws<ArgumentException>(() => CreateValidator(options));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_any_issuer_and_audience_only_when_told_to_dangerously()
    {
        await using var harness = await ValidatorHarness.StartAsync(validatorOptions: new PosternTokenValidatorOptions
        {
            DangerouslyAcceptAnyIssuer = true,
            DangerouslyAcceptAnyAudience = true,
        });

        var result = await harness.ValidateAsync(harness.Token().Claim("iss", "other-cluster").Claim("aud", "http://anything").SignedBy(TestKeys.Rsa));

        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task Accepting_any_audience_still_checks_the_issuer()
    {
        await using var harness = await ValidatorHarness.StartAsync(validatorOptions: new PosternTokenValidatorOptions
        {
            Issuer = TokenBuilder.Issuer,
            DangerouslyAcceptAnyAudience = true,
        });

        var other = await harness.ValidateAsync(harness.Token().Claim("aud", "http://anything").SignedBy(TestKeys.Rsa));
        var foreign = await harness.ValidateAsync(harness.Token().Claim("iss", "other-cluster").SignedBy(TestKeys.Rsa));

        Assert.True(other.IsValid, other.Message);
        Assert.Equal(TokenRejection.InvalidIssuer, foreign.Rejection);
    }

    [Fact]
    public void A_JWT_SVID_validator_needs_no_issuer_its_trust_domain_binds_the_token()
    {
        var validator = CreateValidator(new PosternTokenValidatorOptions { TrustDomain = "example.com", Audiences = ["db"] });

        Assert.Null(validator.Options.Issuer);
        Assert.False(validator.Options.DangerouslyAcceptAnyIssuer);
    }

    [Fact]
    public async Task Never_throws_for_a_token_but_does_for_null()
    {
        await using var harness = await ValidatorHarness.StartAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => harness.Validator.ValidateAsync(null!).AsTask());
    }

    private static PosternTokenValidator CreateValidator(PosternTokenValidatorOptions options)
    {
        using var httpClient = new HttpClient();
        var cache = new JsonWebKeySetCache(httpClient, new Uri("https://postern.example.com/.well-known/jwks.json"), TimeProvider.System);
        return new PosternTokenValidator(cache, options, TimeProvider.System);
    }
}
