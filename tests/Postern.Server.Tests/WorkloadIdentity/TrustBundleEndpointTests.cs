using System.Net;
using System.Net.Http.Json;
using Postern.Authority;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// <c>GET /workload-identity/bundle</c> on a real server: the trust domain's bundle in the SPIFFE bundle format, read
/// by a parser written to the specification (<see cref="SpiffeBundleSpec"/>) and by <c>jose</c>.
/// </summary>
public sealed class TrustBundleEndpointTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AdminApi _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path, ShortLifetimes.Yaml);
        _admin = new AdminApi(_server);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_bundle_follows_the_spiffe_format_and_holds_the_workload_authoritys_key_as_jwt_svid()
    {
        using var response = await _server.Http.GetAsync(_server.BaseUrl + "/workload-identity/bundle");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);

        var bundle = SpiffeBundleSpec.Read(await response.Content.ReadAsStringAsync());
        Assert.Empty(bundle.Violations);
        var key = Assert.Single(bundle.Keys, k => k.Use == "jwt-svid");
        Assert.Equal(_server.Host.Authorities.Get(CertAuthorityType.Workload).SigningKid, key.Kid);
        Assert.NotEqual(_server.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, key.Kid);
        Assert.Equal(1, bundle.RefreshHint); // authorities.key_set_max_age
        Assert.True(bundle.Sequence > 0);

        // The X.509 authority's CA certificate, as x5c of an x509-svid key.
        var ca = Assert.Single(bundle.Keys, k => k.Use == "x509-svid");
        Assert.Equal(_server.Host.Authorities.Get(CertAuthorityType.X509).SigningCertificate!.RawData, ca.Certificate);
        Assert.Equal(2, bundle.Keys.Count);
    }

    [Fact]
    public async Task A_rotation_of_the_x509_authority_carries_old_and_new_ca_certificates_and_raises_the_sequence()
    {
        var before = await ReadAsync();
        var old = Assert.Single(before.Keys, k => k.Use == "x509-svid").Certificate;

        await RotateAsync("x509", new { manual = true, phase = "init" });
        var init = await ReadAsync();
        Assert.True(init.Sequence > before.Sequence, $"{init.Sequence} after {before.Sequence}");
        var during = init.Keys.Where(k => k.Use == "x509-svid").Select(k => Convert.ToBase64String(k.Certificate!)).ToList();
        Assert.Equal(2, during.Count);
        Assert.Contains(Convert.ToBase64String(old!), during);

        await RotateAsync("x509", new { manual = true, phase = "update_clients" });
        await RotateAsync("x509", new { manual = true, phase = "standby" });
        var after = await ReadAsync();
        var now = Assert.Single(after.Keys, k => k.Use == "x509-svid").Certificate;
        Assert.NotEqual(Convert.ToBase64String(old!), Convert.ToBase64String(now!));
        Assert.True(after.Sequence > init.Sequence, $"{after.Sequence} after {init.Sequence}");
    }

    [Fact]
    public async Task A_jwt_svid_verifies_with_jose_against_the_bundles_key()
    {
        var workload = new WorkloadClient(_server);
        await _admin.CreateAsync(WorkloadClient.Policy);
        var credential = await workload.JoinNewBotAsync("bundled");
        var svid = await workload.IssueOneAsync(credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));

        var (exit, answer) = await NodeScript.RunAsync("verify-with-bundle.mjs", _server.CertificatePath,
            "--bundle", _server.BaseUrl + "/workload-identity/bundle", "--aud", "db", svid.GetProperty("jwt_svid").GetString()!);

        Assert.True(exit == 0, answer.ToString());
        Assert.Equal(svid.GetProperty("spiffe_id").GetString(), answer.GetProperty("payload").GetProperty("sub").GetString());

        (exit, answer) = await NodeScript.RunAsync("verify-with-bundle.mjs", _server.CertificatePath,
            "--bundle", _server.BaseUrl + "/workload-identity/bundle", "--aud", "other", svid.GetProperty("jwt_svid").GetString()!);
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task A_rotation_raises_the_sequence_with_each_change_of_the_key_set()
    {
        var before = await ReadAsync();

        await RotateAsync("workload", new { manual = true, phase = "init" });
        var init = await ReadAsync();
        Assert.Equal(2, init.Keys.Count(k => k.Use == "jwt-svid"));
        Assert.True(init.Sequence > before.Sequence, $"{init.Sequence} after {before.Sequence}");
        Assert.Contains(before.Keys.Single(k => k.Use == "jwt-svid").Kid, init.Keys.Select(k => k.Kid));

        await RotateAsync("workload", new { manual = true, phase = "update_clients" });
        await RotateAsync("workload", new { manual = true, phase = "standby" });
        var after = await ReadAsync();
        var key = Assert.Single(after.Keys, k => k.Use == "jwt-svid");
        Assert.NotEqual(before.Keys.Single(k => k.Use == "jwt-svid").Kid, key.Kid);
        Assert.True(after.Sequence > init.Sequence, $"{after.Sequence} after {init.Sequence}");

        // Unchanged keys: the same sequence and document.
        Assert.Equal(after.Sequence, (await ReadAsync()).Sequence);
    }

    private async Task<SpiffeBundleSpec.Reading> ReadAsync()
    {
        var reading = SpiffeBundleSpec.Read(await _server.Http.GetStringAsync(_server.BaseUrl + "/workload-identity/bundle"));
        Assert.Empty(reading.Violations);
        return reading;
    }

    private async Task RotateAsync(string authority, object body)
    {
        using var response = await _admin.SendAsync(HttpMethod.Post, $"authorities/{authority}/rotate", JsonContent.Create(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
