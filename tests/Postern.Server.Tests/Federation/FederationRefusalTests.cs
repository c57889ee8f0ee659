using System.Net;
using System.Text.Json;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.Testing;

namespace Postern.Server.Tests.Federation;

/// <summary>
/// What a federated trust domain's bundle endpoint may not make Postern trust, each refused with a reason that names
/// the problem, audited (<c>trust_bundle.refused</c>), and changing nothing: the bundle held before stays.
/// </summary>
public sealed class FederationRefusalTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AdminApi _admin = null!;
    private BundleEndpointStub _stub = null!;
    private string _credential = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path, "workload_identity: { trust_domain: home.test }");
        _admin = new AdminApi(_server);
        _stub = await BundleEndpointStub.StartAsync();
        await _admin.CreateAsync(WorkloadClient.Policy);
        _credential = await new WorkloadClient(_server).JoinNewBotAsync("reader");
    }

    public async Task DisposeAsync()
    {
        await _stub.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private const string GoodKey = """{"kty":"EC","use":"jwt-svid","kid":"k1","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}""";
    private const string OtherKey = """{"kty":"EC","use":"jwt-svid","kid":"k2","crv":"P-256","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}""";

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "missing-use", """{"spiffe_sequence":1,"keys":[{"kty":"EC","kid":"k1","crv":"P-256","x":"AQ","y":"Ag"}]}""", "has no use" },
        { "malformed", """{"keys":[{"kty":""", "not JSON" },
        { "not-a-key-set", """[1,2,3]""", "not a JSON object" },
        { "oversized", "{\"keys\":[],\"padding\":\"" + new string('a', 300 * 1024) + "\"}", "KiB" },
        { "no-kid", """{"keys":[{"kty":"EC","use":"jwt-svid","crv":"P-256","x":"AQ","y":"Ag"}]}""", "no kid" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_or_broken_document_is_refused_with_its_reason_and_trusted_not_at_all(string name, string document, string reason)
    {
        var trustDomain = name + ".test";
        _stub.Document = document;

        await FederateAsync(trustDomain, _stub.Url);

        var refused = await RefusalAsync(trustDomain);
        Assert.Contains(reason, refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False((await FederatedAsync()).TryGetProperty("spiffe://" + trustDomain, out _));
    }

    [Fact]
    public async Task A_document_holding_this_clusters_own_keys_is_refused_as_another_trust_domains()
    {
        // An endpoint that serves this very cluster's bundle (a URL pointed at the wrong cluster): it is not mirror.test's.
        // Its JWT-SVID keys alone: refused as this cluster's own keys.
        var own = System.Text.Json.Nodes.JsonNode.Parse(await _server.Http.GetStringAsync(_server.BaseUrl + "/workload-identity/bundle"))!.AsObject();
        var keys = own["keys"]!.AsArray();
        foreach (var ca in keys.Where(k => (string?)k!["use"] == "x509-svid").ToList())
        {
            keys.Remove(ca);
        }

        _stub.Document = own.ToJsonString();
        await FederateAsync("mirror.test", _stub.Url);

        var refused = await RefusalAsync("mirror.test");
        Assert.Contains("is a key of this cluster's own trust domain 'home.test'", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The whole document, whose CA certificate names this cluster's trust domain: refused for that too.
        _stub.Document = await _server.Http.GetStringAsync(_server.BaseUrl + "/workload-identity/bundle");
        await FederateAsync("mirror2.test", _stub.Url);
        refused = await RefusalAsync("mirror2.test");
        Assert.Contains("the certificate is the authority of trust domain 'home.test', not 'mirror2.test'", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_refresh_keeps_the_bundle_held_before_and_a_lower_sequence_is_refused()
    {
        _stub.Document = $$"""{"spiffe_sequence":5,"spiffe_refresh_hint":1,"keys":[{{GoodKey}}]}""";
        await FederateAsync("kept.test", _stub.Url);
        var held = await WaitForBundleAsync("kept.test");
        Assert.Equal("k1", held.GetProperty("keys")[0].GetProperty("kid").GetString());

        // The endpoint turns hostile: a key without use, then an older bundle with another key.
        _stub.Document = """{"spiffe_sequence":6,"keys":[{"kty":"EC","kid":"evil","crv":"P-256","x":"AQ","y":"Ag"}]}""";
        var refused = await RefusalAsync("kept.test");
        Assert.Contains("has no use", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, refused.GetProperty("kept_sequence").GetInt64());

        _stub.Document = $$"""{"spiffe_sequence":4,"keys":[{{OtherKey}}]}""";
        refused = await RefusalAsync("kept.test", "lower than the 5 already held");

        var after = (await FederatedAsync()).GetProperty("spiffe://kept.test");
        Assert.Equal(5, after.GetProperty("spiffe_sequence").GetInt64());
        Assert.Equal(["k1"], after.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));

        // A good, newer bundle is taken again.
        _stub.Document = $$"""{"spiffe_sequence":7,"keys":[{{OtherKey}}]}""";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await FederatedAsync()).GetProperty("spiffe://kept.test").GetProperty("spiffe_sequence").GetInt64() != 7)
        {
            await Task.Delay(200, timeout.Token);
        }

        var updated = await _admin.AuditAsync("trust_bundle.updated");
        Assert.Equal(2, updated.Count(e => e.GetProperty("trust_domain").GetString() == "kept.test"));
    }

    [Theory]
    [InlineData("http://10.1.2.3/bundle", true, "not a loopback host")]
    [InlineData("http://partner.example/bundle", true, "not a loopback host")]
    [InlineData("http://127.0.0.1:9/bundle", false, "is not https://")]
    [InlineData("ftp://127.0.0.1/bundle", true, "is not an absolute https:// URL")]
    public async Task An_endpoint_that_is_not_https_is_refused_when_the_resource_is_created(string url, bool insecure, string reason)
    {
        using var response = await CreateAsync("refused.test", url, insecure);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var get = await _admin.SendAsync(HttpMethod.Get, "resources/trust_domain_federation/refused.test");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    private async Task FederateAsync(string trustDomain, string url)
    {
        using var response = await CreateAsync(trustDomain, url, insecure: true);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> CreateAsync(string trustDomain, string url, bool insecure) =>
        _admin.SendAsync(HttpMethod.Post, "resources", new StringContent($$"""
            kind: trust_domain_federation
            version: v1
            metadata: { name: {{trustDomain}} }
            spec:
              bundle_endpoint_url: "{{url}}"
              insecure_allow_http: {{(insecure ? "true" : "false")}}
            """, System.Text.Encoding.UTF8, "application/yaml"));

    private async Task<JsonElement> RefusalAsync(string trustDomain, string? containing = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await _admin.AuditAsync("trust_bundle.refused")).LastOrDefault(e =>
                e.GetProperty("trust_domain").GetString() == trustDomain && (containing is null || e.GetProperty("error").GetString()!.Contains(containing, StringComparison.Ordinal)));
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private async Task<JsonElement> FederatedAsync()
    {
        var (status, body) = await new WorkloadClient(_server).GetAsync(Postern.WorkloadIdentity.Api.WorkloadApiPaths.FederatedBundles, _credential);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task<JsonElement> WaitForBundleAsync(string trustDomain)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await FederatedAsync()).TryGetProperty("spiffe://" + trustDomain, out var bundle))
            {
                return bundle;
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
