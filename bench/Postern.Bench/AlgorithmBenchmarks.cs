using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Postern.Authority;

namespace Postern.Bench;

/// <summary>
/// The choice of <c>keys.algorithm</c>: a JWT-SVID signed through <see cref="TokenSigner"/> by an ES256
/// authority against the same token signed by an RS256 (RSA-2048) one, in the same run.
/// </summary>
[MemoryDiagnoser]
public class AlgorithmBenchmarks
{
    private static readonly string[] Audiences = ["sts.amazonaws.com"];
    private TokenSigner _rs256 = null!;
    private TokenSigner _es256 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var kek = KeyEncryptionKey.Generate();
        _rs256 = new TokenSigner(SigningBenchmarks.Authorities(SigningAlgorithm.RS256, kek));
        _es256 = new TokenSigner(SigningBenchmarks.Authorities(SigningAlgorithm.ES256, kek));
    }

    [Benchmark(Baseline = true)]
    public string JwtSvidRs256() => _rs256.Sign(CertAuthorityType.Workload, Claims()).Value;

    [Benchmark]
    public string JwtSvidEs256() => _es256.Sign(CertAuthorityType.Workload, Claims()).Value;

    private static Dictionary<string, object> Claims() => new()
    {
        ["iss"] = "https://postern.example.com/workload-identity",
        ["sub"] = "spiffe://example.com/uid/1000",
        ["aud"] = Audiences,
        ["exp"] = 1_900_000_300L,
        ["iat"] = 1_900_000_000L,
        ["jti"] = RandomNumberGenerator.GetHexString(32, lowercase: true),
    };
}
