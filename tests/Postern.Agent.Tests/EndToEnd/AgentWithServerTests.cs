using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.Testing;
using TempDir = Postern.Agent.Tests.Infrastructure.TempDir;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// The agent against a real Postern server (real Kestrel, real store): a bot joins with its token,
/// workloads on this host fetch SVIDs over the socket, and independent clients check them.
/// Policy: the role <c>workload</c> admits every workload identity; <c>by-uid</c> gives
/// <c>/uid/{{workload.unix.uid}}</c> to uids 0 and 65534 only.
/// </summary>
public sealed class AgentWithServerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AgentHost? _agent;

    private string SocketPath => _dir.File("workload.sock");

    private string AgentData => _dir.File("agent-data");

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.File("server"));
        var admin = new AdminApi(_server);
        await admin.CreateAsync(WorkloadPolicy.ByUid("0", "65534"));
        using var response = await admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name = "agent", roles = new[] { "workload" }, agent = true }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        _agent = await StartAgentAsync(token);
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_workload_gets_an_SVID_the_server_signed_for_its_uid_and_the_agent_validates_it()
    {
        using var client = new WorkloadClient(SocketPath);

        var svid = Assert.Single((await client.FetchAsync("db")).Svids);

        Assert.Equal($"spiffe://test.example.com/uid/{CurrentProcess.Uid}", svid.SpiffeId);
        Assert.Equal("by-uid", svid.Hint);
        var validated = await client.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "db", Svid = svid.Svid }, WorkloadClient.SecurityHeader);
        Assert.Equal(svid.SpiffeId, validated.SpiffeId);
        Assert.Equal(_server.BaseUrl + "/workload-identity", validated.Claims.Fields["iss"].StringValue);
    }

    [Fact]
    public async Task The_bundle_holds_the_servers_workload_keys_in_SPIFFE_bundle_format()
    {
        using var client = new WorkloadClient(SocketPath);
        var serverKeys = await _server.Http.GetFromJsonAsync<JsonElement>(_server.BaseUrl + "/workload-identity/jwt-jwks.json");

        using var call = client.Api.FetchJWTBundles(new JWTBundlesRequest(), WorkloadClient.SecurityHeader);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var bundle = JsonDocument.Parse(call.ResponseStream.Current.Bundles["spiffe://test.example.com"].ToByteArray()).RootElement;
        Assert.Equal(
            serverKeys.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()),
            bundle.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
        Assert.All(bundle.GetProperty("keys").EnumerateArray(), k => Assert.Equal("jwt-svid", k.GetProperty("use").GetString()));
    }

    [Fact]
    public async Task The_bundle_stream_sends_a_new_bundle_at_each_phase_of_a_rotation()
    {
        using var client = new WorkloadClient(SocketPath);
        using var call = client.Api.FetchJWTBundles(new JWTBundlesRequest(), WorkloadClient.SecurityHeader);
        var oldKid = Assert.Single(await NextBundleKidsAsync(call));
        var admin = new AdminApi(_server);

        await RotateAsync(admin, "init");
        var init = await NextBundleKidsAsync(call);
        Assert.Equal(oldKid, init[0]);
        Assert.Equal(2, init.Count);
        var newKid = init[1];

        await RotateAsync(admin, "update_clients");
        Assert.Equal([newKid, oldKid], await NextBundleKidsAsync(call));

        await RotateAsync(admin, "standby");
        Assert.Equal([newKid], await NextBundleKidsAsync(call));
    }

    private static async Task RotateAsync(AdminApi admin, string phase)
    {
        using var response = await admin.SendAsync(HttpMethod.Post, "authorities/workload/rotate", JsonContent.Create(new { manual = true, phase }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> NextBundleKidsAsync(AsyncServerStreamingCall<JWTBundlesResponse> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the bundle stream ended");
        var bundle = JsonDocument.Parse(call.ResponseStream.Current.Bundles["spiffe://test.example.com"].ToByteArray()).RootElement;
        return [.. bundle.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    [Fact]
    public async Task A_Node_grpc_client_fetches_an_SVID_that_jose_verifies_through_the_discovery_document()
    {
        var (exitCode, answer) = await NodeScript.RunAsync("workload-api.mjs", _server.CertificatePath,
            "--socket", SocketPath, "--aud", "api://interop", "--server", _server.BaseUrl);

        Assert.True(exitCode == 0, answer.ToString());
        var ownId = $"spiffe://test.example.com/uid/{CurrentProcess.Uid}";
        Assert.Equal(ownId, answer.GetProperty("spiffe_id").GetString());
        Assert.Equal(ownId, answer.GetProperty("validated").GetString());
        Assert.Equal(ownId, answer.GetProperty("payload").GetProperty("sub").GetString());
        Assert.Equal(_server.BaseUrl + "/workload-identity", answer.GetProperty("payload").GetProperty("iss").GetString());
    }

    [Fact]
    public async Task Processes_of_different_users_get_their_own_SPIFFE_IDs_and_a_uid_no_rule_admits_is_denied()
    {
        Assert.Equal(0u, CurrentProcess.Uid);
        var (rootExit, root) = await NodeScript.RunAsync("workload-api.mjs", null, "--socket", SocketPath, "--aud", "shared");
        var (nobodyExit, nobody) = await NodeScript.RunAsUserAsync(65534, 65534, "workload-api.mjs", "--socket", SocketPath, "--aud", "shared");
        var (otherExit, other) = await NodeScript.RunAsUserAsync(65533, 65533, "workload-api.mjs", "--socket", SocketPath, "--aud", "shared");

        Assert.True(rootExit == 0, root.ToString());
        Assert.Equal(["spiffe://test.example.com/uid/0"], root.GetProperty("spiffe_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.True(nobodyExit == 0, nobody.ToString());
        Assert.Equal(["spiffe://test.example.com/uid/65534"], nobody.GetProperty("spiffe_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, otherExit);
        Assert.Equal("PERMISSION_DENIED", other.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Locking_the_bot_denies_its_agents_fetches_within_seconds()
    {
        using var client = new WorkloadClient(SocketPath);
        await client.FetchAsync("db");

        using var locked = await new AdminApi(_server).SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "bot/agent", message = "compromised host" }));
        Assert.True(locked.IsSuccessStatusCode, await locked.Content.ReadAsStringAsync());

        var started = DateTime.UtcNow;
        RpcException? denied = null;
        while (denied is null && DateTime.UtcNow - started < TimeSpan.FromSeconds(5))
        {
            try
            {
                await client.FetchAsync("db");
                await Task.Delay(100);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                denied = e;
            }
        }

        Assert.NotNull(denied);
        Assert.False(string.IsNullOrEmpty(denied.Status.Detail));
    }

    [Fact]
    public async Task An_agent_restarted_on_its_data_folder_needs_no_new_join_token()
    {
        var credentialFile = Path.Combine(AgentData, "agent.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialFile));
        await _agent!.DisposeAsync();
        _agent = null;

        _agent = await StartAgentAsync(joinToken: null);
        using var client = new WorkloadClient(SocketPath);

        Assert.Equal($"spiffe://test.example.com/uid/{CurrentProcess.Uid}", Assert.Single((await client.FetchAsync("db")).Svids).SpiffeId);
    }

    private Task<AgentHost> StartAgentAsync(string? joinToken) => AgentHost.StartAsync(new AgentOptions
    {
        Server = new Uri(_server.BaseUrl),
        JoinToken = joinToken,
        SocketPath = SocketPath,
        DataDir = AgentData,
        CaFile = _server.CertificatePath,
        PollInterval = TimeSpan.FromMilliseconds(200),
        ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
    }, CancellationToken.None);
}
