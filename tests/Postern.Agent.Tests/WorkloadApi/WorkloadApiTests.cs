using System.Text.Json;
using Grpc.Core;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.WorkloadIdentity;

namespace Postern.Agent.Tests.WorkloadApi;

/// <summary>The Workload API over a real Unix socket, with a real gRPC client, against a fake server.</summary>
public sealed class WorkloadApiTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeServer _server = new();
    private RunningAgent _agent = null!;

    private static string OwnId => $"spiffe://{FakeServer.TrustDomain}/uid/{CurrentProcess.Uid}";

    public async Task InitializeAsync()
    {
        _server.PathsByUid[CurrentProcess.Uid] = [$"/uid/{CurrentProcess.Uid}", "/ops/backup"];
        _agent = await RunningAgent.StartAsync(_server, _dir);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_call_without_the_security_header_is_an_invalid_argument()
    {
        var request = new JWTSVIDRequest { Audience = { "db" } };
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _agent.Client.Api.FetchJWTSVIDAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("workload.spiffe.io", error.Status.Detail, StringComparison.Ordinal);

        var validate = await Assert.ThrowsAsync<RpcException>(async () => await _agent.Client.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "a", Svid = "x" }));
        Assert.Equal(StatusCode.InvalidArgument, validate.StatusCode);

        using var bundles = _agent.Client.Api.FetchJWTBundles(new JWTBundlesRequest());
        var stream = await Assert.ThrowsAsync<RpcException>(() => bundles.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, stream.StatusCode);
        Assert.Equal(0, _server.SvidRequests);
    }

    [Fact]
    public async Task Against_a_server_that_issues_no_X509_SVIDs_FetchX509SVID_is_unavailable_and_the_JWT_profile_still_works()
    {
        using var svids = _agent.Client.Api.FetchX509SVID(new X509SVIDRequest(), WorkloadClient.SecurityHeader);
        var error = await Assert.ThrowsAsync<RpcException>(() => svids.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("no such endpoint", error.Status.Detail, StringComparison.Ordinal);

        Assert.NotEmpty((await _agent.Client.FetchAsync("db")).Svids);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("one empty")]
    [InlineData("one of two empty")]
    public async Task FetchJWTSVID_needs_at_least_one_non_empty_audience(string row)
    {
        string[] audiences = row switch
        {
            "none" => [],
            "one empty" => [""],
            _ => ["db", ""],
        };
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.Client.FetchAsync(audiences));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(0, _server.SvidRequests);
    }

    [Fact]
    public async Task FetchJWTSVID_sends_the_attested_caller_and_returns_every_SVID_it_may_have()
    {
        var response = await _agent.Client.FetchAsync("db", "api");

        Assert.Equal([OwnId, $"spiffe://{FakeServer.TrustDomain}/ops/backup"], response.Svids.Select(s => s.SpiffeId));
        Assert.All(response.Svids, s => Assert.Equal("by-uid", s.Hint));
        var sent = Assert.Single(_server.SvidRequestsRead);
        Assert.Equal(new UnixAttributes(CurrentProcess.Uid, CurrentProcess.Gid, Environment.ProcessId, CurrentProcess.Exe) { ExeSha256 = CurrentProcess.ExeSha256 }, sent.Unix);
        Assert.Equal(["api", "db"], sent.Audiences);

        var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(response.Svids[0].Svid.Split('.')[1])).RootElement;
        Assert.Equal(OwnId, claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_second_fetch_is_served_from_the_cache_whatever_the_audience_order()
    {
        var first = await _agent.Client.FetchAsync("db", "api");
        var second = await _agent.Client.FetchAsync("api", "db", "api");

        Assert.Equal(1, _server.SvidRequests);
        Assert.Equal(first.Svids.Select(s => s.Svid), second.Svids.Select(s => s.Svid));

        await _agent.Client.FetchAsync("db");
        Assert.Equal(2, _server.SvidRequests);
    }

    [Fact]
    public async Task FetchJWTSVID_with_a_spiffe_id_returns_that_one_or_permission_denied()
    {
        var one = await _agent.Client.FetchAsync(["db"], OwnId);
        Assert.Equal(OwnId, Assert.Single(one.Svids).SpiffeId);

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.Client.FetchAsync(["db"], $"spiffe://{FakeServer.TrustDomain}/uid/4242"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_caller_no_identity_admits_gets_permission_denied_with_the_servers_reason()
    {
        _server.PathsByUid.Clear();

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.Client.FetchAsync("db"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal($"no workload identity admits uid {CurrentProcess.Uid}", error.Status.Detail);
    }

    [Fact]
    public async Task A_caller_that_keeps_asking_for_what_policy_refuses_costs_the_server_one_request_a_while()
    {
        _server.PathsByUid.Clear();

        for (var i = 0; i < 20; i++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _agent.Client.FetchAsync("db"));
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Equal($"no workload identity admits uid {CurrentProcess.Uid}", error.Status.Detail);
        }

        Assert.Equal(1, _server.SvidRequests);
    }

    [Fact]
    public async Task An_unreachable_server_with_nothing_cached_is_unavailable()
    {
        _server.Reachable = false;

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.Client.FetchAsync("db"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Cached_SVIDs_are_served_while_the_server_is_unreachable()
    {
        var first = await _agent.Client.FetchAsync("db");
        _server.Reachable = false;
        await Task.Delay(400);

        var again = await _agent.Client.FetchAsync("db");

        Assert.Equal(first.Svids[0].Svid, again.Svids[0].Svid);
        _server.Reachable = true;
    }

    [Fact]
    public async Task A_policy_change_drops_the_cache()
    {
        await _agent.Client.FetchAsync("db");
        _server.PolicyRevision++;
        await Eventually.TrueAsync(() => _agent.Host.Link.Cache.Count == 0, "the cache is dropped");

        await _agent.Client.FetchAsync("db");

        Assert.Equal(2, _server.SvidRequests);
    }

    [Fact]
    public async Task A_locked_bots_agent_denies_every_fetch_within_seconds_and_recovers_when_unlocked()
    {
        await _agent.Client.FetchAsync("db");
        _server.Locked = true;

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await _agent.Client.FetchAsync("db");
                return false;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                Assert.Equal("bot 'agent' is locked", e.Status.Detail);
                return true;
            }
        }, "a fetch is denied", TimeSpan.FromSeconds(3));

        Assert.Equal(0, _agent.Host.Link.Cache.Count);
        _server.Locked = false;
        await Eventually.TrueAsync(() => _agent.Host.Link.Refusal is null, "the agent is accepted again");
        Assert.NotEmpty((await _agent.Client.FetchAsync("db")).Svids);
    }

    [Fact]
    public async Task FetchJWTBundles_sends_the_bundle_at_once_and_again_when_the_key_set_changes()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = _agent.Client.Api.FetchJWTBundles(new JWTBundlesRequest(), WorkloadClient.SecurityHeader, cancellationToken: cancel.Token);

        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        var first = call.ResponseStream.Current;
        var bundle = JsonDocument.Parse(first.Bundles[$"spiffe://{FakeServer.TrustDomain}"].ToByteArray()).RootElement;
        var key = Assert.Single(bundle.GetProperty("keys").EnumerateArray());
        Assert.Equal("jwt-svid", key.GetProperty("use").GetString());
        Assert.Equal(_server.SigningKeyId, key.GetProperty("kid").GetString());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());

        _server.RotateKey();

        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        var second = JsonDocument.Parse(call.ResponseStream.Current.Bundles[$"spiffe://{FakeServer.TrustDomain}"].ToByteArray()).RootElement;
        Assert.Equal(2, second.GetProperty("keys").GetArrayLength());
        Assert.All(second.GetProperty("keys").EnumerateArray(), k => Assert.Equal("jwt-svid", k.GetProperty("use").GetString()));
    }

    [Fact]
    public async Task ValidateJWTSVID_accepts_an_issued_SVID_and_returns_its_SPIFFE_ID_and_claims()
    {
        var svid = (await _agent.Client.FetchAsync("db")).Svids[0];

        var result = await _agent.Client.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "db", Svid = svid.Svid }, WorkloadClient.SecurityHeader);

        Assert.Equal(OwnId, result.SpiffeId);
        Assert.Equal(OwnId, result.Claims.Fields["sub"].StringValue);
        Assert.Equal("db", Assert.Single(result.Claims.Fields["aud"].ListValue.Values).StringValue);
        Assert.True(result.Claims.Fields["exp"].NumberValue > 0);
        Assert.False(string.IsNullOrEmpty(result.Claims.Fields["jti"].StringValue));
    }

    [Theory]
    [InlineData("", "x.y.z", "audience")]
    [InlineData("db", "", "svid")]
    public async Task ValidateJWTSVID_needs_an_audience_and_a_token(string audience, string svid, string named)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _agent.Client.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = audience, Svid = svid }, WorkloadClient.SecurityHeader));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(named, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateJWTSVID_refuses_a_wrong_audience_with_the_reason()
    {
        var svid = (await _agent.Client.FetchAsync("db")).Svids[0];

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _agent.Client.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = "other", Svid = svid.Svid }, WorkloadClient.SecurityHeader));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("audience", error.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("InvalidAudience: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_socket_is_open_to_every_local_user()
    {
        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(_agent.Host.SocketPath) & (UnixFileMode)0b111_111_111);
    }
}
