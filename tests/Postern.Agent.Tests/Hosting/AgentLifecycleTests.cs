using System.Text.Json;
using Grpc.Core;
using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.Hosting;

/// <summary>Joining, the stored credential, renewals and an unreachable server, against the in-memory server.</summary>
public sealed class AgentLifecycleTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeServer _server = new();

    public AgentLifecycleTests()
    {
        _server.PathsByUid[CurrentProcess.Uid] = ["/uid/self"];
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private string CredentialPath => Path.Combine(_dir.File("data"), "agent.json");

    private string StoredCredential => JsonDocument.Parse(File.ReadAllText(CredentialPath)).RootElement.GetProperty("credential").GetString()!;

    [Fact]
    public async Task The_credential_is_kept_with_mode_0600_and_a_restart_needs_no_join_token()
    {
        await using (var first = await RunningAgent.StartAsync(_server, _dir))
        {
            await first.Client.FetchAsync("db");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialPath));
        Assert.False(File.Exists(CredentialPath + ".tmp"));

        await using var second = await RunningAgent.StartAsync(_server, _dir, joinToken: "", adjust: o => o with { JoinToken = null });
        Assert.Equal("agent", second.Host.Bot);
        Assert.Equal($"spiffe://{FakeServer.TrustDomain}/uid/self", Assert.Single((await second.Client.FetchAsync("db")).Svids).SpiffeId);
    }

    [Fact]
    public async Task A_stored_credential_the_server_no_longer_knows_is_replaced_by_joining_with_a_given_token()
    {
        await (await RunningAgent.StartAsync(_server, _dir)).DisposeAsync();
        using var newServer = new FakeServer();
        newServer.PathsByUid[CurrentProcess.Uid] = ["/uid/self"];

        await using var agent = await RunningAgent.StartAsync(newServer, _dir);

        await Eventually.TrueAsync(async () => (await agent.Client.FetchAsync("db")).Svids.Count == 1, "the agent has joined again");
        Assert.Null(agent.Host.Link.Refusal);
    }

    [Fact]
    public async Task A_stored_credential_the_server_no_longer_knows_denies_every_fetch_without_a_token()
    {
        await (await RunningAgent.StartAsync(_server, _dir)).DisposeAsync();
        using var newServer = new FakeServer();
        newServer.PathsByUid[CurrentProcess.Uid] = ["/uid/self"];

        await using var agent = await RunningAgent.StartAsync(newServer, _dir, adjust: o => o with { JoinToken = null });

        var error = await Assert.ThrowsAsync<RpcException>(() => agent.Client.FetchAsync("db"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("unknown or expired credential", error.Status.Detail);
    }

    [Fact]
    public async Task A_refused_join_token_fails_the_start_with_the_servers_reason()
    {
        var error = await Assert.ThrowsAsync<AgentStartException>(() => RunningAgent.StartAsync(_server, _dir, joinToken: "join-unknown"));

        Assert.Contains("the join token is unknown, used or expired", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("agent.sock")));
    }

    [Fact]
    public async Task Without_a_stored_credential_a_join_token_is_required()
    {
        var error = await Assert.ThrowsAsync<AgentStartException>(() => RunningAgent.StartAsync(_server, _dir, adjust: o => o with { JoinToken = null }));

        Assert.Contains("join token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credential_is_renewed_at_half_its_life_and_stored()
    {
        _server.CredentialTtl = TimeSpan.FromSeconds(2);
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        var joined = StoredCredential;

        await Eventually.TrueAsync(() => StoredCredential != joined, "the renewed credential is stored");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialPath));
        Assert.NotEmpty((await agent.Client.FetchAsync("db")).Svids);
    }

    [Fact]
    public async Task Used_SVIDs_are_renewed_in_the_background_at_half_their_life()
    {
        _server.SvidTtl = TimeSpan.FromSeconds(4);
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        var first = (await agent.Client.FetchAsync("db")).Svids[0].Svid;

        await Eventually.TrueAsync(() => Volatile.Read(ref _server.SvidRequests) == 2, "the SVID is renewed");
        var renewed = (await agent.Client.FetchAsync("db")).Svids[0].Svid;

        Assert.NotEqual(first, renewed);
        Assert.Equal(2, _server.SvidRequests);
    }

    [Fact]
    public async Task Unused_SVIDs_are_not_renewed()
    {
        _server.SvidTtl = TimeSpan.FromSeconds(2);
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        await agent.Client.FetchAsync("db");
        await Eventually.TrueAsync(() => Volatile.Read(ref _server.SvidRequests) == 2, "the used SVID is renewed");

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal(2, _server.SvidRequests);
    }

    [Fact]
    public async Task A_cached_SVID_is_never_served_past_its_expiry()
    {
        _server.SvidTtl = TimeSpan.FromSeconds(2);
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        await agent.Client.FetchAsync("db");
        _server.Reachable = false;

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var error = await Assert.ThrowsAsync<RpcException>(() => agent.Client.FetchAsync("db"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task An_agent_started_while_the_server_is_down_joins_when_it_comes_back()
    {
        _server.Reachable = false;
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        var error = await Assert.ThrowsAsync<RpcException>(() => agent.Client.FetchAsync("db"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);

        _server.Reachable = true;

        await Eventually.TrueAsync(() => agent.Host.TrustDomain is not null, "the agent joins");
        Assert.NotEmpty((await agent.Client.FetchAsync("db")).Svids);
    }

    [Fact]
    public async Task A_stale_socket_file_is_replaced()
    {
        File.WriteAllBytes(_dir.File("agent.sock"), []);

        await using var agent = await RunningAgent.StartAsync(_server, _dir);

        Assert.NotEmpty((await agent.Client.FetchAsync("db")).Svids);
    }

    [Theory]
    [InlineData("unix:///run/postern/workload.sock", "/run/postern/workload.sock")]
    [InlineData("/run/postern/workload.sock", "/run/postern/workload.sock")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_socket_path_comes_from_SPIFFE_ENDPOINT_SOCKET(string? endpoint, string? path)
    {
        Assert.Equal(path, AgentHost.SocketPathFromEndpoint(endpoint));
    }
}
