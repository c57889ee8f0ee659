using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Postern.Agent.Bundles;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.Validation;

namespace Postern.Agent.Tests.Validation;

/// <summary>Each row changes one thing about a good JWT-SVID and names the reason it must be refused for.</summary>
public sealed class JwtSvidValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // One issuer for the class: the table's rows are built before any instance exists.
    private static readonly FakeServer Issuer = new();
    private static readonly ECDsa EcKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JwtSvidValidator _validator = new(new FakeTimeProvider(Now));
    private readonly JwtBundle _bundle;

    public JwtSvidValidatorTests()
    {
        var keys = JsonNode.Parse(Issuer.KeySetJson())!;
        var ec = EcKey.ExportParameters(false);
        keys["keys"]!.AsArray().Add(new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(ec.Q.X),
            ["y"] = Base64Url.EncodeToString(ec.Q.Y),
            ["alg"] = "ES256",
            ["use"] = "sig",
            ["kid"] = "ec-key",
        });
        _bundle = JwtBundle.FromServerKeySet(FakeServer.TrustDomain, Encoding.UTF8.GetBytes(keys.ToJsonString()), "\"1\"");
    }

    private static JsonObject Claims() => new()
    {
        ["sub"] = $"spiffe://{FakeServer.TrustDomain}/uid/1000",
        ["aud"] = new JsonArray("db", "api"),
        ["exp"] = (Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
        ["iat"] = Now.ToUnixTimeSeconds(),
        ["jti"] = "abc",
    };

    [Fact]
    public void A_good_RS256_SVID_is_accepted_with_its_subject_and_claims()
    {
        var result = _validator.Validate(Issuer.Sign(Claims()), "api", _bundle);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal($"spiffe://{FakeServer.TrustDomain}/uid/1000", result.SpiffeId);
        Assert.Equal("abc", JsonNode.Parse(result.ClaimsJson!)!["jti"]!.GetValue<string>());
    }

    [Fact]
    public void A_good_ES256_SVID_is_accepted()
    {
        var result = _validator.Validate(SignEs256(Claims(), "ec-key"), "db", _bundle);

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public void A_single_string_audience_is_accepted()
    {
        var claims = Claims();
        claims["aud"] = "db";

        Assert.True(_validator.Validate(Issuer.Sign(claims), "db", _bundle).IsValid);
    }

    public static TheoryData<string, string, string> Refused()
    {
        var server = Issuer;
        var data = new TheoryData<string, string, string>();
        string Sign(Action<JsonObject> change)
        {
            var claims = Claims();
            change(claims);
            return server.Sign(claims);
        }

        data.Add("wrong audience", Sign(_ => { }), "audience does not include 'other'");
        data.Add("expired", Sign(c => c["exp"] = (Now - TimeSpan.FromSeconds(1)).ToUnixTimeSeconds()), "expired");
        data.Add("expiring this second", Sign(c => c["exp"] = Now.ToUnixTimeSeconds()), "expired");
        data.Add("no expiry", Sign(c => c.Remove("exp")), "no expiry");
        data.Add("no audience", Sign(c => c.Remove("aud")), "audience");
        data.Add("subject of another trust domain", Sign(c => c["sub"] = "spiffe://evil.example.com/uid/1000"), "trust domain 'evil.example.com'");
        data.Add("subject not a SPIFFE ID", Sign(c => c["sub"] = "user@example.com"), "not a SPIFFE ID");
        data.Add("subject without a path", Sign(c => c["sub"] = $"spiffe://{FakeServer.TrustDomain}"), "not a workload");
        data.Add("no subject", Sign(c => c.Remove("sub")), "no subject");

        var good = Sign(_ => { }).Split('.');
        var tampered = Claims();
        tampered["sub"] = $"spiffe://{FakeServer.TrustDomain}/uid/0";
        data.Add("tampered payload", good[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(tampered.ToJsonString())) + "." + good[2], "signature");
        data.Add("signature cut", good[0] + "." + good[1] + "." + good[2][..20], "signature");
        using var stranger = RSA.Create(2048);
        data.Add("signed by a key not in the bundle, same kid", server.Sign(Claims(), key: stranger), "signature");
        data.Add("unknown kid", server.Sign(Claims(), kid: "nope"), "no key 'nope'");
        data.Add("alg none", Unsigned("none"), "unsupported token algorithm 'none'");
        data.Add("alg HS256", Unsigned("HS256"), "unsupported token algorithm 'HS256'");
        data.Add("not a JWS", "abc", "compact JWS");
        data.Add("not base64url", "a*b.c.d", "base64url");
        data.Add("header not JSON", "bm90IGpzb24." + good[1] + "." + good[2], "header is not JSON");
        return data;

        string Unsigned(string alg) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}","kid":"{{server.SigningKeyId}}"}""")) + "." + good[1] + "." + good[2];
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_bad_SVID_is_refused_with_the_reason(string row, string token, string reason)
    {
        var result = _validator.Validate(token, row == "wrong audience" ? "other" : "db", _bundle);

        Assert.False(result.IsValid, row);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    private static string SignEs256(JsonObject claims, string kid)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["kid"] = kid, ["typ"] = "JWT" };
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = EcKey.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }
}
