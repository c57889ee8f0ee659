using System.Formats.Asn1;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.Testing;
using TempDir = Postern.Agent.Tests.Infrastructure.TempDir;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// Two Postern clusters with their own trust domains and data folders (<c>east.test</c>, <c>west.test</c>), each with an
/// agent on this host. West federates with east through east's bundle endpoint; a JWT-SVID east issued then validates
/// through west's agent, and west's agent serves east's bundle among its JWT bundles, and east's CA certificates among its
/// X.509 bundles (<c>federated_bundles</c> of FetchX509SVID, and FetchX509Bundles).
/// </summary>
public sealed class FederationTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _east = null!;
    private TestPostern _west = null!;
    private AgentHost _eastAgent = null!;
    private AgentHost _westAgent = null!;

    public async Task InitializeAsync()
    {
        _east = await TestPostern.StartAsync(_dir.File("east"), "workload_identity: { trust_domain: east.test }\ntls: { disabled: true }");
        _west = await TestPostern.StartAsync(_dir.File("west"), "workload_identity: { trust_domain: west.test }\ntls: { disabled: true }");
        _eastAgent = await StartAgentAsync(_east, "east");
        _westAgent = await StartAgentAsync(_west, "west");
    }

    public async Task DisposeAsync()
    {
        await _eastAgent.DisposeAsync();
        await _westAgent.DisposeAsync();
        await _east.DisposeAsync();
        await _west.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_svid_from_a_federated_trust_domain_validates_through_the_other_clusters_agent_and_not_before()
    {
        using var eastClient = new WorkloadClient(_dir.File("east.sock"));
        using var westClient = new WorkloadClient(_dir.File("west.sock"));
        var svid = Assert.Single((await eastClient.FetchAsync("api://west")).Svids);
        Assert.StartsWith("spiffe://east.test/", svid.SpiffeId, StringComparison.Ordinal);

        // Not federated: west's agent has no bundle for east.test.
        var unfederated = await Assert.ThrowsAsync<RpcException>(() =>
            westClient.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "api://west", Svid = svid.Svid }, WorkloadClient.SecurityHeader).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unfederated.StatusCode);
        Assert.Contains("no bundle for trust domain 'east.test'", unfederated.Status.Detail, StringComparison.Ordinal);

        await FederateWestWithEastAsync();

        using var call = westClient.Api.FetchJWTBundles(new JWTBundlesRequest(), WorkloadClient.SecurityHeader);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JWTBundlesResponse bundles;
        do
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the bundle stream ended");
            bundles = call.ResponseStream.Current;
        }
        while (!bundles.Bundles.ContainsKey("spiffe://east.test"));

        Assert.True(bundles.Bundles.ContainsKey("spiffe://west.test"));
        var eastKeys = JsonDocument.Parse(bundles.Bundles["spiffe://east.test"].ToByteArray()).RootElement.GetProperty("keys");
        var served = await _east.Http.GetFromJsonAsync<JsonElement>(_east.BaseUrl + "/workload-identity/jwt-jwks.json");
        Assert.Equal(
            served.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()),
            eastKeys.EnumerateArray().Select(k => k.GetProperty("kid").GetString()));

        var validated = await westClient.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "api://west", Svid = svid.Svid }, WorkloadClient.SecurityHeader);
        Assert.Equal(svid.SpiffeId, validated.SpiffeId);

        // Federation trusts east's keys for east's names only: the audience is still checked.
        var wrongAudience = await Assert.ThrowsAsync<RpcException>(() =>
            westClient.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "api://other", Svid = svid.Svid }, WorkloadClient.SecurityHeader).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, wrongAudience.StatusCode);
    }

    [Fact]
    public async Task The_federated_trust_domains_ca_reaches_the_other_agents_x509_workload_api_and_verifies_its_svids()
    {
        using var eastClient = new WorkloadClient(_dir.File("east.sock"));
        using var westClient = new WorkloadClient(_dir.File("west.sock"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var eastSvids = eastClient.Api.FetchX509SVID(new X509SVIDRequest(), WorkloadClient.SecurityHeader);
        Assert.True(await eastSvids.ResponseStream.MoveNext(timeout.Token), "east's X.509-SVID stream ended");
        var eastSvid = Assert.Single(eastSvids.ResponseStream.Current.Svids);
        var eastCa = eastSvid.Bundle.ToByteArray();

        using var westSvids = westClient.Api.FetchX509SVID(new X509SVIDRequest(), WorkloadClient.SecurityHeader);
        Assert.True(await westSvids.ResponseStream.MoveNext(timeout.Token), "west's X.509-SVID stream ended");
        var before = westSvids.ResponseStream.Current;
        Assert.Empty(before.FederatedBundles);
        var westSvid = Assert.Single(before.Svids);
        Assert.False(Verifies(eastSvid.X509Svid.ToByteArray(), westSvid.Bundle.ToByteArray()), "west's own bundle verified east's SVID");

        await FederateWestWithEastAsync();

        // The same SVID comes again, now with east's CA among the federated bundles.
        X509SVIDResponse after;
        do
        {
            Assert.True(await westSvids.ResponseStream.MoveNext(timeout.Token), "west's X.509-SVID stream ended");
            after = westSvids.ResponseStream.Current;
        }
        while (!after.FederatedBundles.ContainsKey("spiffe://east.test"));

        Assert.Equal(eastCa, after.FederatedBundles["spiffe://east.test"].ToByteArray());
        Assert.Equal(["spiffe://east.test"], after.FederatedBundles.Keys);
        Assert.Equal(westSvid.X509Svid, Assert.Single(after.Svids).X509Svid);
        Assert.True(Verifies(eastSvid.X509Svid.ToByteArray(), after.FederatedBundles["spiffe://east.test"].ToByteArray()), "east's CA as west serves it does not verify east's SVID");

        using var bundles = westClient.Api.FetchX509Bundles(new X509BundlesRequest(), WorkloadClient.SecurityHeader);
        Assert.True(await bundles.ResponseStream.MoveNext(timeout.Token), "west's X.509 bundle stream ended");
        var served = bundles.ResponseStream.Current.Bundles;
        Assert.Equal(["spiffe://east.test", "spiffe://west.test"], served.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(eastCa, served["spiffe://east.test"].ToByteArray());
        Assert.Equal(westSvid.Bundle, served["spiffe://west.test"]);
    }

    /// <summary>Whether <paramref name="leaf"/> chains to one of the concatenated DER certificates in <paramref name="bundle"/>, and to nothing else.</summary>
    private static bool Verifies(byte[] leaf, byte[] bundle)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(leaf);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        for (var at = 0; at < bundle.Length;)
        {
            AsnDecoder.ReadEncodedValue(bundle.AsSpan(at), AsnEncodingRules.DER, out _, out _, out var length);
            chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(bundle.AsSpan(at, length)));
            at += length;
        }

        return chain.Build(certificate);
    }

    private Task FederateWestWithEastAsync() => new AdminApi(_west).CreateAsync($"""
        kind: trust_domain_federation
        version: v1
        metadata: {"{"} name: east.test {"}"}
        spec:
          bundle_endpoint_url: "{_east.BaseUrl}/workload-identity/bundle"
          insecure_allow_http: true
        """);

    private async Task<AgentHost> StartAgentAsync(TestPostern server, string name)
    {
        var admin = new AdminApi(server);
        await admin.CreateAsync(WorkloadPolicy.ByUid("0", "65534"));
        using var response = await admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name = "agent", roles = new[] { "workload" }, agent = true }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return await AgentHost.StartAsync(new AgentOptions
        {
            Server = new Uri(server.BaseUrl),
            JoinToken = token,
            SocketPath = _dir.File(name + ".sock"),
            DataDir = _dir.File(name + "-agent"),
            PollInterval = TimeSpan.FromMilliseconds(200),
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, CancellationToken.None);
    }
}
