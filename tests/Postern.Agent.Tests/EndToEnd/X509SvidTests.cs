using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Postern.Agent.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// X.509-SVIDs through the agent's Workload API to Node.js clients (@grpc/grpc-js with the SPIFFE workload.proto):
/// openssl verifies the leaf against the bundle, and two workloads with different SPIFFE IDs do mutual TLS with Node's
/// TLS stack while a certificate from another CA is refused.
/// </summary>
public sealed class X509SvidTests : IAsyncLifetime
{
    private ServerWithAgent _setup = null!;

    public async Task InitializeAsync() => _setup = await ServerWithAgent.StartAsync();

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    /// <summary>Fetches as <paramref name="uid"/> into a new folder every user may write; returns it and the script's answer.</summary>
    private async Task<(string Dir, System.Text.Json.JsonElement Answer)> FetchAsUserAsync(uint uid, string name)
    {
        var dir = Directory.CreateDirectory(_setup.Dir.File(name)).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        var (exit, answer) = await NodeScript.RunAsUserAsync(uid, uid, "x509-svid.mjs", "fetch", "--socket", _setup.SocketPath, "--out", dir);
        Assert.True(exit == 0, answer.ToString());
        return (dir, answer);
    }

    [Fact]
    public async Task A_Node_grpc_client_fetches_an_X509_SVID_that_openssl_verifies_against_the_bundle()
    {
        var (dir, answer) = await FetchAsUserAsync(0, "root");

        Assert.Equal("spiffe://test.example.com/uid/0", answer.GetProperty("spiffe_id").GetString());
        Assert.Equal("by-uid", answer.GetProperty("hint").GetString());
        Assert.Equal("ec", answer.GetProperty("key_type").GetString());
        Assert.Equal(["spiffe://test.example.com"], answer.GetProperty("bundles").EnumerateArray().Select(b => b.GetString()));
        Assert.Empty(answer.GetProperty("federated_bundles").EnumerateArray());
        foreach (var bundle in new[] { "bundle.pem", "x509-bundle.pem" })
        {
            var (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", Path.Combine(dir, bundle), Path.Combine(dir, "svid.pem"));
            Assert.True(exit == 0, bundle + ": " + output + errors);
        }

        Assert.Matches(@"URI:spiffe://test\.example\.com/uid/0\s*\n", await Openssl.TextAsync(Path.Combine(dir, "svid.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "key.pem")));

        // The key the workload got is the leaf's: the agent made it, and only its public half went to the server.
        using var leaf = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "svid.pem"), Path.Combine(dir, "key.pem"));
        Assert.True(leaf.HasPrivateKey);
        using var key = leaf.GetECDsaPrivateKey()!;
        Assert.True(leaf.GetECDsaPublicKey()!.VerifyData("x"u8, key.SignData("x"u8, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task Two_workloads_with_different_SPIFFE_IDs_do_mutual_TLS_and_a_certificate_from_another_CA_is_refused()
    {
        var (rootDir, _) = await FetchAsUserAsync(0, "root");
        var (nobodyDir, nobody) = await FetchAsUserAsync(65534, "nobody");
        Assert.Equal("spiffe://test.example.com/uid/65534", nobody.GetProperty("spiffe_id").GetString());

        var (exit, answer) = await NodeScript.RunAsync("x509-svid.mjs", null, "mtls", "--server", rootDir, "--client", nobodyDir);
        Assert.True(exit == 0, answer.ToString());
        Assert.Equal("spiffe://test.example.com/uid/65534", answer.GetProperty("server_saw").GetString());
        Assert.Equal("spiffe://test.example.com/uid/0", answer.GetProperty("client_saw").GetString());

        var forged = ForgeWithAnotherCa("spiffe://test.example.com/uid/0", nobodyDir);
        (exit, answer) = await NodeScript.RunAsync("x509-svid.mjs", null, "mtls", "--server", rootDir, "--client", forged);
        Assert.Equal(1, exit);
        Assert.Equal("mtls", answer.GetProperty("step").GetString());

        (exit, answer) = await NodeScript.RunAsync("x509-svid.mjs", null, "mtls", "--server", forged, "--client", rootDir);
        Assert.Equal(1, exit);
        Assert.Contains("unable to verify the first certificate", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A leaf claiming <paramref name="spiffeId"/> from a CA of its own (in the right trust domain's name), with the bundle
    /// of <paramref name="bundleDir"/>: what an attacker who does not hold the trust domain's CA key can make.
    /// </summary>
    private string ForgeWithAnotherCa(string spiffeId, string bundleDir)
    {
        var dir = Directory.CreateDirectory(_setup.Dir.File("forged")).FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("O=Postern, CN=test.example.com X.509 CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("O=Postern", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(spiffeId));
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(30), [1, 2, 3, 4]);
        Openssl.WritePem(Path.Combine(dir, "svid.pem"), [leaf.RawData]);
        File.WriteAllText(Path.Combine(dir, "key.pem"), leafKey.ExportPkcs8PrivateKeyPem());
        File.Copy(Path.Combine(bundleDir, "bundle.pem"), Path.Combine(dir, "bundle.pem"));
        return dir;
    }
}
