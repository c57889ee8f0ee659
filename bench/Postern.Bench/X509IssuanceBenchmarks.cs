using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Postern.Authority;
using Postern.WorkloadIdentity;

namespace Postern.Bench;

/// <summary>
/// X.509-SVID issuance's CPU work (ECDSA P-256 CA, ECDSA P-256 leaves): the leaf signed by <see cref="X509SvidSigner"/>,
/// and with the CSR check before it (<see cref="SvidSigningRequest"/>: parse and verify the request's signature), against
/// the raw P-256 signature over as many bytes as a leaf's to-be-signed part, in the same run. HTTP, policy and the audit
/// write are measured by bench/svid for JWT-SVIDs and are the same here.
/// </summary>
[MemoryDiagnoser]
public class X509IssuanceBenchmarks
{
    private X509SvidSigner _signer = null!;
    private ECDsa _raw = null!;
    private PublicKey _leafKey = null!;
    private byte[] _csr = null!;
    private byte[] _toBeSigned = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var kek = KeyEncryptionKey.Generate();
        var keyring = new AuthorityKeyring(kek, "bench", x509Ca: new X509CaProfile("bench.example.com", TimeSpan.FromDays(365)));
        var key = keyring.Generate(CertAuthorityType.X509, SigningAlgorithm.ES256, DateTimeOffset.UtcNow);
        var authorities = new CertAuthorities();
        authorities.Set(CertAuthority.Open(CertAuthorityType.X509, new CertAuthorityDocument { Type = "x509", SigningKid = key.Kid, Keys = [key] }, 1, keyring));
        _signer = new X509SvidSigner(authorities);
        using var workloadKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _csr = new CertificateRequest("CN=bench", workloadKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        _leafKey = SvidSigningRequest.Check(_csr, out _)!;
        _now = DateTimeOffset.UtcNow;
        _raw = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // The raw operation signs as many bytes as a leaf's TBSCertificate.
        var leaf = X509CertificateLoader.LoadCertificate(Leaf().Leaf);
        var reader = new System.Formats.Asn1.AsnReader(leaf.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        _toBeSigned = reader.ReadEncodedValue().ToArray();
    }

    [Benchmark(Baseline = true)]
    public byte[] RawP256Signature() => _raw.SignData(_toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public SignedX509Svid Leaf() => _signer.Sign(_leafKey, "spiffe://bench.example.com/uid/1000", [], _now, TimeSpan.FromHours(1), out _)!;

    [Benchmark]
    public SignedX509Svid CsrCheckAndLeaf() => _signer.Sign(SvidSigningRequest.Check(_csr, out _)!, "spiffe://bench.example.com/uid/1000", [], _now, TimeSpan.FromHours(1), out _)!;

    [GlobalCleanup]
    public void Cleanup() => _raw.Dispose();
}
