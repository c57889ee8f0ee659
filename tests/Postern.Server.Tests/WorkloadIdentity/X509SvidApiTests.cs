using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// X.509-SVIDs over the HTTP API of a real server: a CSR from an agent's bot credential comes back as a leaf that openssl
/// verifies against the bundle and reads as the X.509-SVID specification asks; hostile requests are refused, named and audited.
/// </summary>
public sealed class X509SvidApiTests : RunningServerTests
{
    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    private async Task<string> BotAsync(string name, bool agent = true)
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        return await Client.JoinNewBotAsync(name, agent: agent);
    }

    private static string Csr(CertificateRequest request) => Convert.ToBase64String(request.CreateSigningRequest());

    private static string Csr(AsymmetricAlgorithm key) => Csr(key switch
    {
        ECDsa ecdsa => new CertificateRequest("CN=ignored", ecdsa, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest("CN=ignored", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException("key"),
    });

    private async Task<JsonElement> IssueOneAsync(string credential, X509SvidRequest request)
    {
        var (status, body) = await Client.IssueX509Async(credential, request);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Writes the leaf and the bundle as PEM files; returns their paths and openssl's text of the leaf.</summary>
    private async Task<(string Leaf, string Bundle, string Text)> WriteAsync(JsonElement svid, string name)
    {
        var leaf = Openssl.WritePem(DataDir.File(name + ".pem"), svid.GetProperty("certificates").EnumerateArray().Select(c => Convert.FromBase64String(c.GetString()!)));
        var bundle = Openssl.WritePem(DataDir.File(name + "-bundle.pem"), svid.GetProperty("bundle").EnumerateArray().Select(c => Convert.FromBase64String(c.GetString()!)));
        return (leaf, bundle, await Openssl.TextAsync(leaf));
    }

    public static TheoryData<string, string> LeafRules => new()
    {
        { "exactly one URI SAN, the SPIFFE ID", @"X509v3 Subject Alternative Name:\s*\n\s+URI:spiffe://test\.example\.com/uid/1000\s*\n" },
        { "cA false, critical", @"X509v3 Basic Constraints: critical\s+CA:FALSE" },
        { "key usage digitalSignature only, critical", @"X509v3 Key Usage: critical\s+Digital Signature\s*\n" },
        { "server and client authentication", @"X509v3 Extended Key Usage:\s*\n\s+TLS Web Server Authentication, TLS Web Client Authentication" },
        { "an authority key identifier", @"X509v3 Authority Key Identifier:" },
        { "a P-256 key", @"ASN1 OID: prime256v1" },
        { "signed with ECDSA and SHA-256", @"Signature Algorithm: ecdsa-with-SHA256" },
    };

    [Theory]
    [MemberData(nameof(LeafRules))]
    public async Task An_issued_leaf_follows_the_rule_as_openssl_reads_it(string rule, string pattern)
    {
        var credential = await BotAsync("rules");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var svid = await IssueOneAsync(credential, new X509SvidRequest(Csr(key), Workload: WorkloadClient.Unix(1000)));

        var (_, _, text) = await WriteAsync(svid, "leaf");

        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, pattern), $"{rule}: /{pattern}/ not in\n{text}");
        Assert.DoesNotContain("Certificate Sign", text, StringComparison.Ordinal);
        Assert.DoesNotContain("URI:", text[(text.IndexOf("URI:", StringComparison.Ordinal) + 4)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issued_leaf_verifies_against_the_bundle_holds_the_csrs_key_and_lives_an_hour_with_a_128_bit_serial()
    {
        var credential = await BotAsync("verify");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var svid = await IssueOneAsync(credential, new X509SvidRequest(Csr(key), Workload: WorkloadClient.Unix(1000)));
        var (leafPath, bundlePath, _) = await WriteAsync(svid, "leaf");

        var (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", bundlePath, "-purpose", "sslclient", leafPath);
        Assert.True(exit == 0, output + errors);
        (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", bundlePath, "-purpose", "sslserver", leafPath);
        Assert.True(exit == 0, output + errors);

        using var leaf = X509CertificateLoader.LoadCertificateFromFile(leafPath);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.InRange(leaf.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30), leaf.NotAfter - leaf.NotBefore);
        var serial = leaf.SerialNumberBytes.ToArray();
        Assert.True(serial.Length >= 17 && serial[0] is > 0 and < 0x80, leaf.SerialNumber);
        Assert.Equal(svid.GetProperty("serial").GetString(), Convert.ToHexStringLower(serial));
        Assert.Equal("spiffe://test.example.com/uid/1000", svid.GetProperty("spiffe_id").GetString());
    }

    [Fact]
    public async Task Each_issuance_is_audited_with_serial_spiffe_id_bot_and_client_address_when_it_returns()
    {
        var credential = await BotAsync("audited");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serials = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            (await IssueOneAsync(credential, new X509SvidRequest(Csr(key), "10m", Workload: WorkloadClient.Unix(1001)))).GetProperty("serial").GetString()));

        var events = await Admin.AuditAsync("x509_svid.issued");
        Assert.Equal(serials.Order(), events.Select(e => e.GetProperty("serial").GetString()).Order());
        var one = events[0];
        Assert.Equal("spiffe://test.example.com/uid/1001", one.GetProperty("spiffe_id").GetString());
        Assert.Equal("audited", one.GetProperty("bot").GetString());
        Assert.Equal("bot/audited", one.GetProperty("caller").GetString());
        Assert.Equal("127.0.0.1", one.GetProperty("client_addr").GetString());
        Assert.Equal("EC P-256", one.GetProperty("key").GetString());
        Assert.Equal("bot", one.GetProperty("actor").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_rsa_key_gets_key_encipherment_as_well()
    {
        var credential = await BotAsync("rsa");
        using var key = RSA.Create(2048);
        var svid = await IssueOneAsync(credential, new X509SvidRequest(Csr(key), Workload: WorkloadClient.Unix(1000)));

        var (_, _, text) = await WriteAsync(svid, "rsa");

        Assert.Matches(@"X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\s*\n", text);
    }

    public static TheoryData<string, string> HostileCsrs()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa1024 = RSA.Create(1024);
        using var rsa2048 = RSA.Create(2048);

        var tampered = new CertificateRequest("CN=x", rsa2048, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        tampered[^1] ^= 0x01;
        var borrowedKey = new CertificateRequest(new X500DistinguishedName("CN=x"), new PublicKey(other), HashAlgorithmName.SHA256)
            .CreateSigningRequest(X509SignatureGenerator.CreateForECDsa(p256));
        var withSan = new CertificateRequest("CN=x", p256, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://test.example.com/admin"));
        withSan.CertificateExtensions.Add(san.Build());
        var asCa = new CertificateRequest("CN=x", p256, HashAlgorithmName.SHA256);
        asCa.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var withEku = new CertificateRequest("CN=x", p256, HashAlgorithmName.SHA256);
        withEku.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));

        return new()
        {
            { Convert.ToBase64String(tampered), "csr: not a PKCS#10 request signed by its own key" },
            { Convert.ToBase64String(borrowedKey), "csr: not a PKCS#10 request signed by its own key" },
            { Csr(rsa1024), "csr: the RSA key has 1024 bits" },
            { Csr(p384), "csr: the key is on curve" },
            { Csr(withSan), "Subject Alternative Name (2.5.29.17))" },
            { Csr(asCa), "Basic Constraints (2.5.29.19))" },
            { Csr(withEku), "Extended Key Usage (2.5.29.37))" },
            { Convert.ToBase64String(tampered[..^10]), "csr: not a PKCS#10 request" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileCsrs))]
    public async Task A_hostile_csr_is_refused_named_and_audited_and_nothing_is_issued(string csr, string message)
    {
        var credential = await BotAsync("hostile");

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(csr, Workload: WorkloadClient.Unix(1000)));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith("csr: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains(message, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var denied = Assert.Single(await Admin.AuditAsync("x509_svid.denied"));
        Assert.Equal("hostile", denied.GetProperty("bot").GetString());
        Assert.Contains(message, denied.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await Admin.AuditAsync("x509_svid.issued"));
    }

    [Fact]
    public async Task A_spiffe_id_the_policy_does_not_give_is_refused_and_audited()
    {
        var credential = await BotAsync("greedy");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(Csr(key), SpiffeId: "spiffe://test.example.com/uid/0", Workload: WorkloadClient.Unix(1000)));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("bot/greedy may not have 'spiffe://test.example.com/uid/0'", body.GetProperty("details")[0].GetString());
        var denied = Assert.Single(await Admin.AuditAsync("x509_svid.denied"));
        Assert.Equal("bot/greedy may not have 'spiffe://test.example.com/uid/0'", denied.GetProperty("reasons")[0].GetString());
        Assert.Empty(await Admin.AuditAsync("x509_svid.issued"));
    }

    [Fact]
    public async Task A_scripts_credential_may_not_present_workload_attributes_and_no_credential_gets_nothing()
    {
        var credential = await BotAsync("script", agent: false);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var (status, body) = await Client.IssueX509Async(credential, new X509SvidRequest(Csr(key), Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("joined as a script, not as an agent", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(await Admin.AuditAsync("x509_svid.denied"));

        (status, _) = await Client.PostAsync(WorkloadApiPaths.X509Svids, null, new X509SvidRequest(Csr(key)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData("""{"csr":"not base64!"}""", "csr: expected the DER request in standard base64 (not PEM)")]
    [InlineData("""{}""", "csr: required, the PKCS#10 request in base64")]
    [InlineData("""{"csr":"AA==","ttl":"2h"}""", "ttl: '2h' is outside 5s to 1h (workload_identity.x509.max_ttl)")]
    [InlineData("""{"csr":"AA==","dns":"x"}""", "unknown field 'dns'")]
    public async Task A_malformed_request_is_a_400_naming_the_field(string json, string message)
    {
        var credential = await BotAsync("sloppy");

        var (status, body) = await Client.PostRawAsync(WorkloadApiPaths.X509Svids, credential, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
