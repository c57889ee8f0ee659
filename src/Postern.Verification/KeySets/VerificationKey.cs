using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>
/// A public key from the key set, ready to verify: its <c>kid</c>, the one algorithm it
/// verifies (RS256 for RSA, ES256 for EC P-256) and a signature provider created once.
/// </summary>
internal sealed class VerificationKey
{
    private readonly SignatureProvider _signatureProvider;

    public VerificationKey(string keyId, string algorithm, AsymmetricSecurityKey securityKey)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        SecurityKey = securityKey;
        // Not cached in the factory: the snapshot holds the provider for the key's lifetime,
        // and a rotated-out key is then collected along with it.
        _signatureProvider = securityKey.CryptoProviderFactory.CreateForVerifying(securityKey, algorithm, cacheProvider: false);
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

        try
        {
            return _signatureProvider.Verify(signed, 0, signedLength, signature, 0, signature.Length);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
