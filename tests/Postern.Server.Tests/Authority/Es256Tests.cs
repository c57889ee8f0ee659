using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.Authority;

/// <summary>ES256 as a per-authority choice: the key set, discovery and independent verifiers follow, and switching is a rotation.</summary>
public sealed class Es256Tests : IDisposable
{
    private const string Es256Workload = "authorities: { key_set_max_age: 1s, clock_skew: 1s, workload: { keys: { algorithm: ES256 } } }";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_ES256_workload_authority_signs_SVIDs_that_jose_verifies_through_discovery()
    {
        await using var server = await TestPostern.StartAsync(_dir.Path, Es256Workload);
        var issuer = server.BaseUrl + "/workload-identity";

        var key = Assert.Single((await GetJsonAsync(server, "/workload-identity/jwt-jwks.json")).GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal(("EC", "P-256", "ES256", "sig"), (Text(key, "kty"), Text(key, "crv"), Text(key, "alg"), Text(key, "use")));
        Assert.Equal(["ES256"], Algorithms(await GetJsonAsync(server, "/workload-identity/.well-known/openid-configuration")));
        Assert.Equal("RS256", Text(Assert.Single((await GetJsonAsync(server, "/.well-known/jwks.json")).GetProperty("keys").EnumerateArray().ToList()), "alg"));

        var svid = await IssueAsync(server);
        var header = Header(svid);
        Assert.Equal(["alg", "kid", "typ"], header.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("ES256", Text(header, "alg"));
        Assert.Equal(Text(key, "kid"), Text(header, "kid"));
        Assert.Equal(64, Base64UrlEncoder.DecodeBytes(svid.Split('.')[2]).Length);
        var (exit, answer) = await NodeScript.RunAsync("discover.mjs", server.CertificatePath, issuer, "--aud", "db", svid);
        Assert.True(exit == 0, answer.ToString());
        Assert.Equal("spiffe://test.example.com/uid/1000", answer.GetProperty("payload").GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Switching_the_algorithm_takes_effect_through_a_rotation_with_both_algorithms_published_in_between()
    {
        string rsaKid;
        await using (var first = await TestPostern.StartAsync(_dir.Path, RotationTests.ShortLifetimes))
        {
            rsaKid = Text(Header(await IssueAsync(first)), "kid");
        }

        // The configuration now asks for ES256: the RSA key keeps signing until a rotation brings an EC key in.
        await using var server = await TestPostern.StartAsync(_dir.Path, RotationTests.ShortLifetimes.Replace("authorities: { key_set_max_age: 1s, clock_skew: 1s }", Es256Workload, StringComparison.Ordinal));
        var admin = new AdminApi(server);
        Assert.Equal(("RS256", rsaKid), AlgAndKid(Header(await IssueAsync(server, joinBot: false))));

        await RotateAsync(admin, new { manual = true, phase = "init" });
        Assert.Equal(["RS256", "ES256"], Algorithms(await GetJsonAsync(server, "/workload-identity/.well-known/openid-configuration")));
        Assert.Equal(["RS256", "ES256"], (await GetJsonAsync(server, "/workload-identity/jwt-jwks.json")).GetProperty("keys").EnumerateArray().Select(k => Text(k, "alg")));

        await RotateAsync(admin, new { manual = true, phase = "update_clients" });
        var svid = await IssueAsync(server, joinBot: false);
        Assert.Equal("ES256", Text(Header(svid), "alg"));
        var (exit, answer) = await NodeScript.RunAsync("discover.mjs", server.CertificatePath, server.BaseUrl + "/workload-identity", "--aud", "db", svid);
        Assert.True(exit == 0, answer.ToString());

        await RotateAsync(admin, new { manual = true, phase = "standby" });
        Assert.Equal(["ES256"], Algorithms(await GetJsonAsync(server, "/workload-identity/.well-known/openid-configuration")));
    }

    private string? _credential;

    private async Task<string> IssueAsync(TestPostern server, bool joinBot = true)
    {
        var client = new WorkloadClient(server);
        if (joinBot || _credential is null)
        {
            await new AdminApi(server).CreateAsync(WorkloadClient.Policy);
            _credential = await client.JoinNewBotAsync("es-" + Guid.NewGuid().ToString("N")[..8]);
        }

        var svid = await client.IssueOneAsync(_credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
        return svid.GetProperty("jwt_svid").GetString()!;
    }

    private static async Task RotateAsync(AdminApi admin, object body)
    {
        using var response = await admin.SendAsync(HttpMethod.Post, "authorities/workload/rotate", JsonContent.Create(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> GetJsonAsync(TestPostern server, string path) =>
        JsonDocument.Parse(await server.Http.GetStringAsync(server.BaseUrl + path)).RootElement.Clone();

    private static List<string> Algorithms(JsonElement discovery) =>
        [.. discovery.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()!)];

    private static JsonElement Header(string jwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0])).RootElement.Clone();

    private static (string, string) AlgAndKid(JsonElement header) => (Text(header, "alg"), Text(header, "kid"));

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
