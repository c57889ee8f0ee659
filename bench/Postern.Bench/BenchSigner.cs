using System.Security.Cryptography;

namespace Postern.Bench;

/// <summary>One signature as the authorities make it: RS256 (RSA-2048, PKCS#1 v1.5) or ES256 (P-256, r‖s), over SHA-256.</summary>
internal sealed class BenchSigner : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    public BenchSigner(string alg)
    {
        switch (alg)
        {
            case "RS256": _rsa = RSA.Create(2048); break;
            case "ES256": _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256); break;
            default: throw new ArgumentException($"unknown algorithm '{alg}' (RS256 or ES256)", nameof(alg));
        }
    }

    public byte[] Sign(byte[] input) =>
        _rsa?.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        ?? _ecdsa!.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }
}
