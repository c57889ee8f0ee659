using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Postern.TrustBundles;

namespace Postern.Core.Tests.TrustBundles;

/// <summary>A foreign bundle is read strictly: what breaks a MUST is refused whole, what is unknown is skipped.</summary>
public sealed class SpiffeBundleReaderTests
{
    [Theory]
    [InlineData("spiffe://partner.test", true, null)]
    [InlineData("spiffe://partner.test/", true, null)]
    [InlineData("spiffe://attacker.test", true, "the authority of trust domain 'attacker.test', not 'partner.test'")]
    [InlineData("spiffe://partner.test", false, "is not a CA")]
    public void An_x509_authority_must_be_a_CA_of_this_trust_domain(string spiffeId, bool ca, string? refusal)
    {
        var document = Bundle(Certificate(spiffeId, ca));

        var read = SpiffeBundleReader.TryRead(document, "partner.test", out var bundle, out var error);

        Assert.Equal(refusal is null, read);
        if (refusal is null)
        {
            Assert.Single(bundle!.X509Authorities);
        }
        else
        {
            Assert.Contains(refusal, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Keys_of_an_unknown_use_or_type_are_skipped_and_the_rest_is_taken()
    {
        var document = """{"spiffe_sequence":3,"spiffe_refresh_hint":60,"keys":[{"kty":"OKP","use":"jwt-svid","kid":"a","crv":"Ed25519","x":"AQ"},{"kty":"EC","use":"enc","kid":"b"},{"kty":"RSA","use":"jwt-svid","kid":"c","n":"AQAB","e":"AQAB"}]}"""u8;

        Assert.True(SpiffeBundleReader.TryRead(document, "partner.test", out var bundle, out var error), error);

        Assert.Equal(["c"], bundle.JwtAuthorities.Select(k => k.KeyId));
        Assert.Equal(3, bundle.Sequence);
        Assert.Equal(TimeSpan.FromMinutes(1), bundle.RefreshHint);
    }

    [Theory]
    [InlineData("""{"keys":[{"kty":"EC","use":"jwt-svid","kid":"a","crv":"P-256","x":"AQ","y":"Ag"},{"kty":"EC","use":"jwt-svid","kid":"a","crv":"P-256","x":"Aw","y":"BA"}]}""", "two jwt-svid keys share kid 'a'")]
    [InlineData("""{"spiffe_sequence":-1,"keys":[]}""", "spiffe_sequence is not a non-negative integer")]
    [InlineData("""{"spiffe_refresh_hint":"soon","keys":[]}""", "spiffe_refresh_hint is not")]
    [InlineData("""{"keys":{}}""", "no \"keys\" array")]
    [InlineData("""{"keys":[{"kty":"EC","use":"jwt-svid","kid":"a","crv":"P-192","x":"AQ","y":"Ag"}]}""", "curve 'P-192'")]
    public void A_document_that_breaks_the_spec_is_refused_with_the_reason(string document, string reason)
    {
        Assert.False(SpiffeBundleReader.TryRead(Encoding.UTF8.GetBytes(document), "partner.test", out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static byte[] Bundle(byte[] certificate) =>
        Encoding.UTF8.GetBytes($$"""{"keys":[{"kty":"EC","use":"x509-svid","x5c":["{{Convert.ToBase64String(certificate)}}"]}]}""");

    private static byte[] Certificate(string spiffeId, bool ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=partner", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(spiffeId));
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
