using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// The keys the token harness signs with and its key set holds: one ES256 and one RS256 key, made once per process.
/// Inputs name them by <c>kid</c> (<see cref="EcKeyId"/>, <see cref="RsaKeyId"/>), so the corpus does not depend on
/// the key material.
/// </summary>
internal static class FuzzKeys
{
    public const string EcKeyId = "fuzz-es256";
    public const string RsaKeyId = "fuzz-rs256";

    public static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static readonly RSA Rsa = RSA.Create(2048);

    /// <summary>The public keys as a JWKS document.</summary>
    public static string Jwks()
    {
        var ec = Ec.ExportParameters(includePrivateParameters: false);
        var rsa = Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(
                new JsonObject
                {
                    ["kty"] = "EC", ["crv"] = "P-256", ["alg"] = "ES256", ["use"] = "sig", ["kid"] = EcKeyId,
                    ["x"] = Base64UrlEncoder.Encode(ec.Q.X), ["y"] = Base64UrlEncoder.Encode(ec.Q.Y),
                },
                new JsonObject
                {
                    ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig", ["kid"] = RsaKeyId,
                    ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
                }),
        }.ToJsonString();
    }
}
