using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.Authority;

namespace Postern.Core.Tests.Authority;

public sealed class TokenSignerTests
{
    private static JsonElement Segment(string token, int index) =>
        JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.Split('.')[index])).RootElement;

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public void The_header_holds_alg_typ_and_kid_and_nothing_else(string alg)
    {
        var authorities = TestAuthorities.Both(alg);
        var signer = new TokenSigner(authorities);

        var token = signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["sub"] = "alice" });

        var header = Segment(token.Value, 0);
        Assert.Equal(["alg", "kid", "typ"], header.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(alg, header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal(authorities.Get(CertAuthorityType.Jwt).SigningKid, header.GetProperty("kid").GetString());
        Assert.Equal(token.KeyId, header.GetProperty("kid").GetString());
    }

    [Fact]
    public void The_payload_holds_exactly_the_callers_claims_with_aud_as_an_array_and_integer_times()
    {
        var signer = new TokenSigner(TestAuthorities.Both());
        var exp = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

        var token = signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object>
        {
            ["aud"] = "http://127.0.0.1:34679",
            ["sub"] = "alice",
            ["exp"] = exp,
            ["iat"] = 1_899_999_700L,
            ["roles"] = new[] { "access", "editor" },
            ["traits"] = new Dictionary<string, object> { ["logins"] = new[] { "root", "ubuntu" } },
        });

        var payload = Segment(token.Value, 1);
        Assert.Equal(["aud", "exp", "iat", "roles", "sub", "traits"], payload.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Array, payload.GetProperty("aud").ValueKind);
        Assert.Equal("http://127.0.0.1:34679", payload.GetProperty("aud")[0].GetString());
        Assert.Equal("1900000000", payload.GetProperty("exp").GetRawText());
        Assert.Equal("1899999700", payload.GetProperty("iat").GetRawText());
        Assert.Equal("ubuntu", payload.GetProperty("traits").GetProperty("logins")[1].GetString());
        Assert.Equal("editor", payload.GetProperty("roles")[1].GetString());
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public void The_signature_verifies_with_the_published_public_key(string alg)
    {
        var authorities = TestAuthorities.Both(alg);
        var token = new TokenSigner(authorities).Sign(CertAuthorityType.Workload, new Dictionary<string, object> { ["sub"] = "spiffe://example.com/svc" });
        var parts = token.Value.Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var jwk = authorities.Get(CertAuthorityType.Workload).Document.Keys[0].PublicJwk;

        bool Verify(byte[] candidate)
        {
            if (alg == SigningAlgorithm.RS256)
            {
                using var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]), Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]) });
                Assert.Equal(2048, rsa.KeySize);
                return rsa.VerifyData(signed, candidate, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk["x"]), Y = Base64UrlEncoder.DecodeBytes(jwk["y"]) } });
            return ecdsa.VerifyData(signed, candidate, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        Assert.True(Verify(signature));
        signature[^1] ^= 1;
        Assert.False(Verify(signature));
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public async Task IdentityModel_validates_the_token_against_the_key_set(string alg)
    {
        var authorities = TestAuthorities.Both(alg);
        var token = new TokenSigner(authorities).Sign(CertAuthorityType.Jwt, new Dictionary<string, object>
        {
            ["iss"] = "example.com",
            ["aud"] = "http://app",
            ["sub"] = "alice",
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5),
        }).Value;
        var keys = new JsonWebKeySet(Encoding.UTF8.GetString(authorities.Get(CertAuthorityType.Jwt).KeySet.Json.Span)).GetSigningKeys();
        var parameters = new TokenValidationParameters { ValidIssuer = "example.com", ValidAudience = "http://app", IssuerSigningKeys = keys };

        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        var tampered = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token[..^2] + (token[^2] == 'A' ? "BA" : "AA"), parameters);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.False(tampered.IsValid);
    }

    [Fact]
    public void A_DateTime_claim_is_refused_rather_than_guessed()
    {
        var signer = new TokenSigner(TestAuthorities.Both());

        Assert.Throws<ArgumentException>(() => signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["exp"] = DateTime.UtcNow }));
    }
}
