using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>Public keys between a token's attributes, JWK members and .NET key parameters.</summary>
internal static class Pkcs11PublicKey
{
    /// <summary><c>CKA_EC_PARAMS</c> of P-256: the DER object identifier prime256v1 (1.2.840.10045.3.1.7).</summary>
    public static readonly byte[] P256Params = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

    private const int P256CoordinateLength = 32;

    /// <summary>The JWK members of the public key object <paramref name="publicKey"/>.</summary>
    /// <exception cref="KeyEncryptionKeyException">The token returned a key Postern cannot use.</exception>
    public static Dictionary<string, string> ReadJwk(ISession session, IObjectHandle publicKey, string alg)
    {
        var rsa = alg == SigningAlgorithm.RS256;
        var values = session.GetAttributeValue(publicKey, rsa ? [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT] : [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        try
        {
            return rsa ? RsaJwk(values[0].GetValueAsByteArray(), values[1].GetValueAsByteArray()) : ECJwk(values[0].GetValueAsByteArray(), values[1].GetValueAsByteArray());
        }
        finally
        {
            values.DisposeAll();
        }
    }

    /// <summary>The RSA public key given by JWK members <c>n</c> and <c>e</c>.</summary>
    public static RSAParameters Rsa(IReadOnlyDictionary<string, string> jwk) => new()
    {
        Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]),
        Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]),
    };

    /// <summary>The P-256 public key given by JWK members <c>x</c> and <c>y</c>.</summary>
    public static ECParameters EC(IReadOnlyDictionary<string, string> jwk) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk["x"]), Y = Base64UrlEncoder.DecodeBytes(jwk["y"]) },
    };

    private static Dictionary<string, string> RsaJwk(byte[] modulus, byte[] exponent) => new()
    {
        ["kty"] = "RSA",
        ["n"] = Base64UrlEncoder.Encode(Unsigned(modulus)),
        ["e"] = Base64UrlEncoder.Encode(Unsigned(exponent)),
    };

    private static Dictionary<string, string> ECJwk(byte[] parameters, byte[] encodedPoint)
    {
        if (!parameters.AsSpan().SequenceEqual(P256Params))
        {
            throw new KeyEncryptionKeyException("the token made an EC key on a curve other than P-256");
        }

        var point = UncompressedPoint(encodedPoint);
        return new()
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(point.Slice(1, P256CoordinateLength).ToArray()),
            ["y"] = Base64UrlEncoder.Encode(point.Slice(1 + P256CoordinateLength, P256CoordinateLength).ToArray()),
        };
    }

    // PKCS#11 big integers are unsigned big-endian; a JWK's n and e have no leading zero octets (RFC 7518, 6.3.1).
    private static byte[] Unsigned(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }

    // CKA_EC_POINT is the DER OCTET STRING around 04 || X || Y (PKCS#11 2.40); some modules return the bare point.
    private static ReadOnlySpan<byte> UncompressedPoint(byte[] value)
    {
        const int length = 1 + (2 * P256CoordinateLength);
        ReadOnlySpan<byte> point = value.Length == length + 2 && value[0] == 0x04 && value[1] == length ? value.AsSpan(2) : value;
        return point.Length == length && point[0] == 0x04
            ? point
            : throw new KeyEncryptionKeyException("the token returned an EC public key that is not an uncompressed P-256 point");
    }
}
