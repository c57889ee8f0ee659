using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>
/// Turns one <see cref="JsonWebKey"/> of a key set into a <see cref="VerificationKey"/>, or
/// says why it is skipped. Accepted: <c>use</c> absent, <c>sig</c> or <c>jwt-svid</c> (the
/// SPIFFE bundle use); RSA keys of at least 2048 bits, with an odd exponent of at least 3 and
/// without the ROCA fingerprint, for RS256; EC P-256 keys for ES256.
/// </summary>
internal static class JsonWebKeyReader
{
    private const int MinimumRsaKeySizeInBits = 2048;
    private const int P256CoordinateLength = 32;

    public static bool TryRead(JsonWebKey jwk, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? reason)
    {
        key = null;
        reason = Check(jwk);
        if (reason is not null)
        {
            return false;
        }

        try
        {
            key = jwk.Kty switch
            {
                JsonWebAlgorithmsKeyTypes.RSA => ReadRsa(jwk, out reason),
                JsonWebAlgorithmsKeyTypes.EllipticCurve => ReadEcP256(jwk, out reason),
                _ => Unsupported($"key type '{jwk.Kty}' is not supported (only RSA and EC).", out reason),
            };
        }
        catch (Exception e) when (e is CryptographicException or FormatException or NotSupportedException or ArgumentException)
        {
            reason = $"the key material cannot be imported ({e.GetType().Name}).";
        }

        return key is not null;
    }

    private static string? Check(JsonWebKey jwk)
    {
        if (string.IsNullOrEmpty(jwk.Kid))
        {
            return "it has no kid, so no token can name it.";
        }

        if (!string.IsNullOrEmpty(jwk.Use) && jwk.Use is not (JsonWebKeyUseNames.Sig or "jwt-svid"))
        {
            return $"its use is '{jwk.Use}', not 'sig' or 'jwt-svid'.";
        }

        if (jwk.KeyOps.Count > 0 && !jwk.KeyOps.Contains("verify"))
        {
            return "its key_ops do not include 'verify'.";
        }

        return null;
    }

    private static VerificationKey? ReadRsa(JsonWebKey jwk, out string? reason)
    {
        if (!IsAlgorithm(jwk, SecurityAlgorithms.RsaSha256, out reason))
        {
            return null;
        }

        var parameters = new RSAParameters { Modulus = Decode(jwk.N, "n"), Exponent = Decode(jwk.E, "e") };
        var size = SignificantBits(parameters.Modulus);
        if (size < MinimumRsaKeySizeInBits)
        {
            return Unsupported($"the RSA key has {size} bits; at least {MinimumRsaKeySizeInBits} are required.", out reason);
        }

        // e = 1 makes the signature the padded digest itself; an even e is not a valid RSA exponent.
        if (parameters.Exponent.Length == 0 || (parameters.Exponent[^1] & 1) == 0 || SignificantBits(parameters.Exponent) < 2)
        {
            return Unsupported("the RSA public exponent is not an odd number of at least 3.", out reason);
        }

        if (RocaFingerprint.Matches(parameters.Modulus))
        {
            return Unsupported("the RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key can be recovered.", out reason);
        }

        var rsa = RSA.Create(parameters);
        return new VerificationKey(jwk.Kid, SecurityAlgorithms.RsaSha256, new RsaSecurityKey(rsa) { KeyId = jwk.Kid });
    }

    private static VerificationKey? ReadEcP256(JsonWebKey jwk, out string? reason)
    {
        if (!IsAlgorithm(jwk, SecurityAlgorithms.EcdsaSha256, out reason))
        {
            return null;
        }

        if (jwk.Crv != JsonWebKeyECTypes.P256)
        {
            return Unsupported($"the curve '{jwk.Crv}' is not supported (only P-256).", out reason);
        }

        var x = Decode(jwk.X, "x");
        var y = Decode(jwk.Y, "y");
        if (x.Length != P256CoordinateLength || y.Length != P256CoordinateLength)
        {
            return Unsupported("a P-256 coordinate is not 32 bytes long.", out reason);
        }

        var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        return new VerificationKey(jwk.Kid, SecurityAlgorithms.EcdsaSha256, new ECDsaSecurityKey(ecdsa) { KeyId = jwk.Kid });
    }

    private static bool IsAlgorithm(JsonWebKey jwk, string expected, out string? reason)
    {
        reason = string.IsNullOrEmpty(jwk.Alg) || jwk.Alg == expected
            ? null
            : $"its alg is '{jwk.Alg}'; a {jwk.Kty} key is accepted for {expected} only.";
        return reason is null;
    }

    private static VerificationKey? Unsupported(string why, out string? reason)
    {
        reason = why;
        return null;
    }

    private static byte[] Decode(string? value, string member) =>
        string.IsNullOrEmpty(value)
            ? throw new FormatException($"The JWK member '{member}' is missing.")
            : Base64Url.DecodeFromChars(value);

    private static int SignificantBits(byte[] bigEndian)
    {
        var index = Array.FindIndex(bigEndian, b => b != 0);
        return index < 0 ? 0 : ((bigEndian.Length - index) * 8) - byte.LeadingZeroCount(bigEndian[index]);
    }
}
