using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// <c>spec.x509.dns_sans</c> over a real server: the rendered names are DNS SANs of the leaf next to its one URI SAN, as
/// openssl reads it; a template that renders an invalid name refuses the issuance and is audited; a bad template is
/// refused when written.
/// </summary>
public sealed class X509DnsSanApiTests : RunningServerTests
{
    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    private static string Policy(string sans) => WorkloadPolicy.WorkloadRole + $$$"""
        ---
        kind: workload_identity
        version: v1
        metadata: { name: web, labels: { env: dev } }
        spec:
          spiffe: { id: "/uid/{{workload.unix.uid}}" }
          x509: { dns_sans: {{{sans}}} }
        """;

    private static string Csr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequest());
    }

    [Fact]
    public async Task The_rendered_names_are_dns_sans_next_to_the_one_uri_san()
    {
        await Admin.CreateAsync(Policy("[\"{{bot.name}}.svc.example.com\", \"uid-{{workload.unix.uid}}.example.com\", \"API.example.com\", \"api.example.com\"]"));
        var credential = await Client.JoinNewBotAsync("web01");

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(Csr(), Workload: WorkloadClient.Unix(1000)));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var leaf = Openssl.WritePem(DataDir.File("leaf.pem"), [Convert.FromBase64String(body.GetProperty("certificates")[0].GetString()!)]);
        var text = await Openssl.TextAsync(leaf);
        Assert.Matches(
            @"X509v3 Subject Alternative Name:\s*\n\s+URI:spiffe://test\.example\.com/uid/1000, DNS:web01\.svc\.example\.com, DNS:uid-1000\.example\.com, DNS:API\.example\.com\s*\n",
            text);
        var issued = Assert.Single(await Admin.AuditAsync("x509_svid.issued"));
        Assert.Equal(["web01.svc.example.com", "uid-1000.example.com", "API.example.com"], issued.GetProperty("dns_sans").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task A_template_that_renders_an_invalid_name_refuses_the_issuance_and_is_audited()
    {
        await Admin.CreateAsync(Policy("[\"ok.example.com\", \"{{workload.unix.exe}}.example.com\"]"));
        var credential = await Client.JoinNewBotAsync("sneaky");

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(Csr(), Workload: WorkloadClient.Unix(1000, "/usr/bin/app")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var reason = body.GetProperty("details")[0].GetString();
        Assert.Contains("workload identity 'web': the DNS SAN template '{{workload.unix.exe}}.example.com' renders an invalid DNS name for bot/sneaky", reason, StringComparison.Ordinal);
        Assert.Contains("holds '/'", reason, StringComparison.Ordinal);
        var denied = Assert.Single(await Admin.AuditAsync("x509_svid.denied"));
        Assert.Equal(reason, denied.GetProperty("reasons")[0].GetString());
        Assert.Empty(await Admin.AuditAsync("x509_svid.issued"));
    }

    [Theory]
    [InlineData("[\"*.example.com\"]", "is a wildcard")]
    [InlineData("[\"a_b.example.com\"]", "holds '_'")]
    public async Task A_bad_template_is_refused_when_written_naming_the_field_and_nothing_is_stored(string sans, string message)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "resources", new StringContent(Policy(sans), Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} {text}");
        Assert.Contains("spec.x509.dns_sans[0]", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        using var stored = await Admin.SendAsync(HttpMethod.Get, "resources/workload_identity/web");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_csr_asking_for_dns_names_itself_is_refused_even_when_the_policy_grants_them()
    {
        await Admin.CreateAsync(Policy("[\"api.example.com\"]"));
        var credential = await Client.JoinNewBotAsync("asker");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("api.example.com");
        request.CertificateExtensions.Add(san.Build());

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(Convert.ToBase64String(request.CreateSigningRequest()), Workload: WorkloadClient.Unix(1000)));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("Subject Alternative Name (2.5.29.17))", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(await Admin.AuditAsync("x509_svid.denied"));
        Assert.Empty(await Admin.AuditAsync("x509_svid.issued"));
    }
}
