using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Postern.Authority;

namespace Postern.Bench;

/// <summary>
/// Token signing through <see cref="TokenSigner"/> against the raw signature operation of
/// System.Security.Cryptography over a payload of the same size, per algorithm.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SigningBenchmarks
{
    private readonly Dictionary<string, object> _claims = new()
    {
        ["aud"] = new[] { "http://127.0.0.1:34679" },
        ["iss"] = "example.com",
        ["sub"] = "alice",
        ["username"] = "alice",
        ["roles"] = new[] { "access", "editor" },
        ["traits"] = new Dictionary<string, object> { ["logins"] = new[] { "root", "ubuntu", "ec2-user" } },
        ["nbf"] = 1_900_000_000L,
        ["iat"] = 1_900_000_010L,
        ["exp"] = 1_900_000_310L,
        ["jti"] = "4f1c1b8e2d6a4b3f9f0e7d2c1b0a9e8d",
    };

    private static readonly string[] SvidAudiences = ["sts.amazonaws.com"];

    private TokenSigner _rsaSigner = null!;
    private TokenSigner _ecSigner = null!;
    private RSA _rsa = null!;
    private ECDsa _ecdsa = null!;
    private byte[] _signingInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        var kek = KeyEncryptionKey.Generate();
        _rsaSigner = new TokenSigner(Authorities(SigningAlgorithm.RS256, kek));
        _ecSigner = new TokenSigner(Authorities(SigningAlgorithm.ES256, kek));
        _rsa = RSA.Create(2048);
        _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The raw operation signs the same number of bytes as a real token's signing input.
        var sample = _rsaSigner.Sign(CertAuthorityType.Jwt, _claims).Value;
        _signingInput = Encoding.ASCII.GetBytes(sample[..sample.LastIndexOf('.')]);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("RS256")]
    public byte[] RawRsaSignature() => _rsa.SignData(_signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark, BenchmarkCategory("RS256")]
    public string TokenSignerRs256() => _rsaSigner.Sign(CertAuthorityType.Jwt, _claims).Value;

    /// <summary>A JWT-SVID's claim set as the issuer signs it (workload authority, RS256).</summary>
    [Benchmark, BenchmarkCategory("RS256")]
    public string JwtSvidRs256() => _rsaSigner.Sign(CertAuthorityType.Workload, new Dictionary<string, object>
    {
        ["iss"] = "https://postern.example.com/workload-identity",
        ["sub"] = "spiffe://example.com/uid/1000",
        ["aud"] = SvidAudiences,
        ["exp"] = 1_900_000_300L,
        ["iat"] = 1_900_000_000L,
        ["jti"] = RandomNumberGenerator.GetHexString(32, lowercase: true),
    }).Value;

    [Benchmark(Baseline = true), BenchmarkCategory("ES256")]
    public byte[] RawEcdsaSignature() => _ecdsa.SignData(_signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark, BenchmarkCategory("ES256")]
    public string TokenSignerEs256() => _ecSigner.Sign(CertAuthorityType.Jwt, _claims).Value;

    [GlobalCleanup]
    public void Cleanup()
    {
        _rsa.Dispose();
        _ecdsa.Dispose();
    }

    internal static CertAuthorities Authorities(string alg, KeyEncryptionKey kek)
    {
        var authorities = new CertAuthorities();
        foreach (var type in CertAuthorityTypes.All)
        {
            var keyring = new AuthorityKeyring(kek, "bench", x509Ca: new X509CaProfile("bench.example.com", TimeSpan.FromDays(365)));
            var key = keyring.Generate(type, alg, DateTimeOffset.UnixEpoch);
            authorities.Set(CertAuthority.Open(type, new CertAuthorityDocument { Type = type.Name(), SigningKid = key.Kid, Keys = [key] }, 1, keyring));
        }

        return authorities;
    }
}
