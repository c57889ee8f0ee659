using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Postern.Testing;
using Postern.TrustBundles;

namespace Postern.Core.Tests.TrustBundles;

/// <summary>The bundle document written from the model, read back by the specification's reader.</summary>
public sealed class SpiffeBundleWriterTests
{
    [Fact]
    public void X509_authorities_become_x509_svid_keys_with_the_certificate_alone_in_x5c_and_its_public_key()
    {
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsaKey = RSA.Create(2048);
        var ec = CaCertificate(new CertificateRequest("O=example.org", ecKey, HashAlgorithmName.SHA256));
        var rsa = CaCertificate(new CertificateRequest("O=example.org", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var bundle = new TrustDomainBundle
        {
            TrustDomain = "example.org",
            X509Authorities = [new X509Authority(ec), new X509Authority(rsa)],
            JwtAuthorities = [new JwtAuthority("k1", new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = "AQ", ["y"] = "Ag", ["use"] = "sig" })],
            Sequence = 7,
            RefreshHint = TimeSpan.FromMinutes(5),
        };

        var reading = SpiffeBundleSpec.Read(System.Text.Encoding.UTF8.GetString(SpiffeBundleWriter.Render(bundle).Json.Span));

        Assert.Empty(reading.Violations);
        Assert.Equal(7, reading.Sequence);
        Assert.Equal(300, reading.RefreshHint);
        Assert.Equal(["x509-svid", "x509-svid", "jwt-svid"], reading.Keys.Select(k => k.Use));
        Assert.Equal(ec, reading.Keys[0].Certificate);
        Assert.Equal("EC", reading.Keys[0].Kty);
        Assert.Equal(rsa, reading.Keys[1].Certificate);
        Assert.Equal("RSA", reading.Keys[1].Kty);
        Assert.Equal("k1", reading.Keys[2].Kid);
        Assert.Equal("jwt-svid", reading.Keys[2].Jwk.GetProperty("use").GetString()); // the stored "sig" does not leak through
    }

    [Fact]
    public void The_reader_in_the_test_finds_what_the_spec_forbids()
    {
        var reading = SpiffeBundleSpec.Read("""{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"Ag","kid":"a"},{"kty":"EC","use":"jwt-svid"},{"kty":"EC","use":"x509-svid","x5c":[]}]}""");

        Assert.Contains("spiffe_sequence SHOULD be set", reading.Violations);
        Assert.Contains("a key has no use (4.2.2)", reading.Violations);
        Assert.Contains("a jwt-svid key has no kid", reading.Violations);
        Assert.Contains("an x509-svid key's x5c does not hold exactly one certificate", reading.Violations);
    }

    private static byte[] CaCertificate(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
