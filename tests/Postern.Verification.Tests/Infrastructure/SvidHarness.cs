using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>
/// JWT-SVID validation as the agent's <c>ValidateJWTSVID</c> does it: a <see cref="KeySet"/> read
/// from a SPIFFE bundle holding <see cref="TestKeys.Rsa"/> and <see cref="TestKeys.Ec"/>, a
/// validator for <see cref="TrustDomain"/> and the audience <c>db</c>, and a fake clock.
/// </summary>
internal sealed class SvidHarness
{
    public const string TrustDomain = "example.com";
    public const string Audience = "db";

    public SvidHarness(PosternTokenValidatorOptions? options = null)
    {
        var bundle = new JsonObject { ["keys"] = new JsonArray(TestKeys.Rsa.ToJwk(use: "jwt-svid"), TestKeys.Ec.ToJwk(use: "jwt-svid")) };
        Assert.True(KeySet.TryParse(bundle.ToJsonString(), $"the bundle of trust domain '{TrustDomain}'", out var keySet, out var error), error);
        Validator = new PosternTokenValidator(keySet, options ?? DefaultOptions, Clock);
    }

    public static PosternTokenValidatorOptions DefaultOptions { get; } = new() { TrustDomain = TrustDomain, Audiences = [Audience] };

    public FakeTimeProvider Clock { get; } = new(ValidatorHarness.Start);

    public PosternTokenValidator Validator { get; }

    /// <summary>A builder of a valid JWT-SVID at the fake clock's current time.</summary>
    public TokenBuilder Token() => TokenBuilder.JwtSvid(Clock.GetUtcNow());

    public ValueTask<PosternTokenValidationResult> ValidateAsync(string token) => Validator.ValidateAsync(token, CancellationToken.None);
}
