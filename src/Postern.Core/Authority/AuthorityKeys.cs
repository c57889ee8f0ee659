using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>Makes key pairs for an authority and opens stored ones.</summary>
public static class AuthorityKeys
{
    /// <summary>Makes a new key pair for <paramref name="alg"/> and seals its private half.</summary>
    public static AuthorityKey Generate(CertAuthorityType type, string alg, KeyEncryptionKey kek, DateTimeOffset now)
    {
        using AsymmetricAlgorithm key = alg switch
        {
            SigningAlgorithm.RS256 => RSA.Create(2048),
            SigningAlgorithm.ES256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            _ => throw new ArgumentException($"unsupported algorithm '{alg}'", nameof(alg)),
        };

        var publicJwk = PublicJwk(key);
        var kid = Thumbprint(publicJwk);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return new AuthorityKey
            {
                Kid = kid,
                Alg = alg,
                PublicJwk = publicJwk,
                PrivateKey = kek.Seal(pkcs8, SealContext(type, kid)),
                Created = now,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Opens the private key of <paramref name="key"/> as a signing key whose <c>KeyId</c> is the
    /// <c>kid</c>; <c>null</c> when <paramref name="kek"/> did not seal it.
    /// </summary>
    public static AsymmetricSecurityKey? Open(CertAuthorityType type, AuthorityKey key, KeyEncryptionKey kek)
    {
        if (key.PrivateKey is null)
        {
            return null;
        }

        var pkcs8 = kek.Open(key.PrivateKey, SealContext(type, key.Kid));
        if (pkcs8 is null)
        {
            return null;
        }

        try
        {
            AsymmetricSecurityKey opened;
            if (key.Alg == SigningAlgorithm.RS256)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                opened = new RsaSecurityKey(rsa) { KeyId = key.Kid };
            }
            else
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                opened = new ECDsaSecurityKey(ecdsa) { KeyId = key.Kid };
            }

            return opened;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key given by its JWK members.</summary>
    public static string Thumbprint(IReadOnlyDictionary<string, string> publicJwk)
    {
        var jwk = new JsonWebKey { Kty = publicJwk["kty"] };
        if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA)
        {
            jwk.N = publicJwk["n"];
            jwk.E = publicJwk["e"];
        }
        else
        {
            jwk.Crv = publicJwk["crv"];
            jwk.X = publicJwk["x"];
            jwk.Y = publicJwk["y"];
        }

        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    /// <summary>The JWK members of a public key (P-256 or RSA).</summary>
    internal static Dictionary<string, string> PublicJwk(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa when rsa.ExportParameters(false) is var p => new()
        {
            ["kty"] = "RSA",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus!),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent!),
        },
        ECDsa ecdsa when ecdsa.ExportParameters(false) is var p => new()
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(p.Q.X!),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y!),
        },
        _ => throw new ArgumentException("unsupported key type", nameof(key)),
    };

    // Binds a sealed key to its authority and kid, so that a sealed blob cannot be moved to another.
    private static string SealContext(CertAuthorityType type, string kid) => $"postern/authority/{type.Name()}/{kid}";
}
