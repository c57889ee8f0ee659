using System.Security.Cryptography;

namespace Postern.Agent.Bundles;

/// <summary>A public key of a JWT bundle, ready to check signatures: RSA (for RS256) or P-256 (for ES256).</summary>
internal sealed record BundleKey(string KeyId, RSAParameters? Rsa, ECParameters? EllipticCurve)
{
    /// <summary>Checks a JWS signature made with <paramref name="algorithm"/> (RS256 or ES256) over <paramref name="signingInput"/>.</summary>
    public bool Verifies(string algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        switch (algorithm)
        {
            case "RS256" when Rsa is { } rsaParameters:
                using (var rsa = RSA.Create(rsaParameters))
                {
                    return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

            case "ES256" when EllipticCurve is { } ecParameters:
                using (var ecdsa = ECDsa.Create(ecParameters))
                {
                    return signature.Length == 64 && ecdsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }

            default:
                return false;
        }
    }
}
