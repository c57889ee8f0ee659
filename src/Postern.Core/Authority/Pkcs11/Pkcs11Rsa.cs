using System.Security.Cryptography;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// An RSA key whose private half stays in a PKCS#11 token: signing (SHA-256, PKCS#1 v1.5) runs in the
/// token with <c>CKM_RSA_PKCS</c> over the DER DigestInfo; the public half is the stored one.
/// </summary>
internal sealed class Pkcs11Rsa : RSA
{
    // The DER DigestInfo of a SHA-256 hash, up to the hash itself (RFC 8017, section 9.2, note 1).
    private static readonly byte[] Sha256DigestInfo =
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    private readonly Pkcs11Token _token;
    private readonly IObjectHandle _key;
    private readonly RSAParameters _public;
    private readonly RSA _verifier;

    public Pkcs11Rsa(Pkcs11Token token, IObjectHandle key, RSAParameters publicKey)
    {
        _token = token;
        _key = key;
        _public = publicKey;
        _verifier = Create(publicKey);
        KeySizeValue = _verifier.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public override RSAParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"the private key stays in token '{_token.Label}'")
        : new RSAParameters { Modulus = (byte[])_public.Modulus!.Clone(), Exponent = (byte[])_public.Exponent!.Clone() };

    public override void ImportParameters(RSAParameters parameters) =>
        throw new NotSupportedException("a key in a PKCS#11 token cannot be replaced");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256 || padding != RSASignaturePadding.Pkcs1 || hash.Length != SHA256.HashSizeInBytes)
        {
            throw new CryptographicException($"a key in a PKCS#11 token signs SHA-256 hashes with PKCS#1 v1.5 padding only, not {hashAlgorithm.Name} with {padding}");
        }

        var digestInfo = new byte[Sha256DigestInfo.Length + hash.Length];
        Sha256DigestInfo.CopyTo(digestInfo, 0);
        hash.CopyTo(digestInfo, Sha256DigestInfo.Length);
        return _token.Sign(_key, _token.RsaPkcs, digestInfo);
    }

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _verifier.VerifyHash(hash, signature, hashAlgorithm, padding);

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
