using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>A key pair a test signs with, and the JWK it publishes.</summary>
internal sealed class TestKey
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private TestKey(string keyId, string algorithm, RSA? rsa, ECDsa? ecdsa)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        _rsa = rsa;
        _ecdsa = ecdsa;
    }

    public string KeyId { get; }

    public string Algorithm { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER: what an HS256 confusion attack uses as the HMAC secret.</summary>
    public byte[] PublicKeyDer => _rsa?.ExportSubjectPublicKeyInfo() ?? _ecdsa!.ExportSubjectPublicKeyInfo();

    public string PublicKeyPem => _rsa?.ExportSubjectPublicKeyInfoPem() ?? _ecdsa!.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key, for IdentityModel's own token handler.</summary>
    public SecurityKey SecurityKey => _rsa is not null
        ? new RsaSecurityKey(_rsa) { KeyId = KeyId }
        : new ECDsaSecurityKey(_ecdsa!) { KeyId = KeyId };

    public static TestKey Rsa(string? keyId = null, int bits = 2048) =>
        new(keyId ?? NewKeyId(), SecurityAlgorithms.RsaSha256, RSA.Create(bits), null);

    public static TestKey EcP256(string? keyId = null) =>
        new(keyId ?? NewKeyId(), SecurityAlgorithms.EcdsaSha256, null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static TestKey EcP384(string? keyId = null) =>
        new(keyId ?? NewKeyId(), SecurityAlgorithms.EcdsaSha384, null, ECDsa.Create(ECCurve.NamedCurves.nistP384));

    /// <summary>Signs as the JWS algorithm of this key: RS256 (PKCS #1 v1.5) or ES256/ES384 (r‖s).</summary>
    public byte[] Sign(byte[] data) => _rsa is not null
        ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : _ecdsa!.SignData(data, Algorithm == SecurityAlgorithms.EcdsaSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384);

    /// <summary>The public JWK, as Postern publishes it; <paramref name="use"/> and <paramref name="alg"/> null leave the member out.</summary>
    public JsonObject ToJwk(string? use = "sig", string? alg = "") =>
        _rsa is not null ? RsaJwk(use, alg) : EcJwk(use, alg);

    private JsonObject RsaJwk(string? use, string? alg)
    {
        var parameters = _rsa!.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = KeyId,
            ["n"] = Base64Url.EncodeToString(parameters.Modulus),
            ["e"] = Base64Url.EncodeToString(parameters.Exponent),
        };
        return WithUseAndAlg(jwk, use, alg);
    }

    private JsonObject EcJwk(string? use, string? alg)
    {
        var parameters = _ecdsa!.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["kid"] = KeyId,
            ["crv"] = parameters.Q.X!.Length == 32 ? "P-256" : "P-384",
            ["x"] = Base64Url.EncodeToString(parameters.Q.X),
            ["y"] = Base64Url.EncodeToString(parameters.Q.Y),
        };
        return WithUseAndAlg(jwk, use, alg);
    }

    private JsonObject WithUseAndAlg(JsonObject jwk, string? use, string? alg)
    {
        if (use is not null)
        {
            jwk["use"] = use;
        }

        // "" means "this key's own algorithm".
        if (alg is not null)
        {
            jwk["alg"] = alg.Length == 0 ? Algorithm : alg;
        }

        return jwk;
    }

    private static string NewKeyId() => Guid.NewGuid().ToString("N");
}
