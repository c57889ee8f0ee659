using System.Security.Cryptography;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// A P-256 key whose private half stays in a PKCS#11 token: signing runs in the token with
/// <c>CKM_ECDSA</c> over the hash, which returns r || s (IEEE P1363); the public half is the stored one.
/// </summary>
internal sealed class Pkcs11ECDsa : ECDsa
{
    private readonly Pkcs11Token _token;
    private readonly IObjectHandle _key;
    private readonly ECParameters _public;
    private readonly ECDsa _verifier;

    public Pkcs11ECDsa(Pkcs11Token token, IObjectHandle key, ECParameters publicKey)
    {
        _token = token;
        _key = key;
        _public = publicKey;
        _verifier = Create(publicKey);
        KeySizeValue = _verifier.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public override ECParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"the private key stays in token '{_token.Label}'")
        : new ECParameters
        {
            Curve = _public.Curve,
            Q = new ECPoint { X = (byte[])_public.Q.X!.Clone(), Y = (byte[])_public.Q.Y!.Clone() },
        };

    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) =>
        throw new NotSupportedException("a key in a PKCS#11 token is on a named curve");

    public override void ImportParameters(ECParameters parameters) =>
        throw new NotSupportedException("a key in a PKCS#11 token cannot be replaced");

    public override void GenerateKey(ECCurve curve) =>
        throw new NotSupportedException("a key in a PKCS#11 token cannot be replaced");

    public override byte[] SignHash(byte[] hash) => _token.Sign(_key, _token.Ecdsa, hash);

    public override bool VerifyHash(byte[] hash, byte[] signature) => _verifier.VerifyHash(hash, signature);

    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));

    protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _verifier.Dispose();
        }

        base.Dispose(disposing);
    }
}
