using System.Net.Http.Json;
using Postern.Authority;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.Authority;

/// <summary>
/// The trust domain's X.509 authority: its CA certificate is made on first start to the X.509-SVID specification's rules
/// for a signing certificate (read back by openssl), kept across restarts, and carried old and new through a rotation.
/// </summary>
public sealed class X509AuthorityTests : RunningServerTests
{
    private CertAuthority X509 => Server.Host.Authorities.Get(CertAuthorityType.X509);

    [Fact]
    public async Task The_ca_certificate_is_a_self_signed_spiffe_signing_certificate_as_openssl_reads_it()
    {
        var path = Openssl.WritePem(DataDir.File("ca.pem"), [X509.SigningCertificate!.RawData]);

        var text = await Openssl.TextAsync(path);
        var (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", path, path);

        Assert.True(exit == 0, output + errors);
        Assert.Matches(@"X509v3 Basic Constraints: critical\s+CA:TRUE", text);
        Assert.Matches(@"X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\s", text);
        Assert.Matches(@"X509v3 Subject Alternative Name:\s*\n\s+URI:spiffe://test\.example\.com\s*\n", text);
        Assert.Contains("X509v3 Subject Key Identifier", text, StringComparison.Ordinal);
        Assert.Contains("ASN1 OID: prime256v1", text, StringComparison.Ordinal);
        Assert.Equal(X509.SigningCertificate.Subject, X509.SigningCertificate.Issuer);
        Assert.InRange(X509.SigningCertificate.NotAfter - X509.SigningCertificate.NotBefore, TimeSpan.FromDays(365), TimeSpan.FromDays(365) + TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task A_restart_keeps_the_same_ca_certificate()
    {
        var before = X509.SigningCertificate!.RawData;

        await RestartAsync();

        Assert.Equal(before, X509.SigningCertificate!.RawData);
    }

    [Fact]
    public async Task A_rotation_carries_the_old_and_the_new_ca_certificate_until_it_ends_and_the_new_one_signs_from_update_clients()
    {
        var old = X509.SigningCertificate!.RawData;

        await RotateAsync(new { manual = true, phase = "init" });
        var init = X509.CaCertificates.Select(c => c.RawData).ToList();
        Assert.Equal(2, init.Count);
        Assert.Equal(old, init[0]);
        Assert.NotEqual(old, init[1]);
        var fresh = init[1];

        await RotateAsync(new { manual = true, phase = "update_clients" });
        Assert.Equal([fresh, old], X509.CaCertificates.Select(c => c.RawData));

        await RotateAsync(new { manual = true, phase = "standby" });
        Assert.Equal([fresh], X509.CaCertificates.Select(c => c.RawData));
        Assert.Matches(@"URI:spiffe://test\.example\.com", await Openssl.TextAsync(Openssl.WritePem(DataDir.File("new.pem"), [fresh])));
    }

    private async Task RotateAsync(object body)
    {
        using var response = await new AdminApi(Server).SendAsync(HttpMethod.Post, "authorities/x509/rotate", JsonContent.Create(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
