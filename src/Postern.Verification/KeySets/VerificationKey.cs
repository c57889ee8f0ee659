using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>
/// A public key from the key set, ready to verify: its <c>kid</c>, the one algorithm it
/// verifies (RS256 for RSA PKCS#1 v1.5 SHA-256, ES256 for EC P-256 SHA-256 with IEEE P1363 signatures).
/// </summary>
internal sealed class VerificationKey
{
    public VerificationKey(string keyId, string algorithm, AsymmetricSecurityKey securityKey)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        SecurityKey = securityKey;
    }

    public string KeyId { get; }

    /// <summary>The JWS <c>alg</c> this key verifies: <c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; }

    public AsymmetricSecurityKey SecurityKey { get; }

    /// <summary>Whether <paramref name="signature"/> signs the first <paramref name="signedLength"/> bytes of <paramref name="signed"/>.</summary>
    public bool Verify(byte[] signed, int signedLength, byte[] signature)
    {
        if (signature.Length == 0)
        {
            return false;
        }

        // The .NET primitives IdentityModel's signature provider calls, called directly: the provider
        // throws on an empty input, which Wycheproof's vectors sign (rsa_signature_2048_sha256 #1,
        // ecdsa_secp256r1_sha256_p1363 #225).
        try
        {
            var data = signed.AsSpan(0, signedLength);
            return SecurityKey switch
            {
                RsaSecurityKey { Rsa: { } rsa } when Algorithm == SecurityAlgorithms.RsaSha256 =>
                    rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                ECDsaSecurityKey { ECDsa: { } ecdsa } when Algorithm == SecurityAlgorithms.EcdsaSha256 =>
                    ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
