using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Authority;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.Authority;

/// <summary>
/// Key rotation on a real server, with lifetimes short enough that the shortest safe grace period is 6 s:
/// key set max-age 1 s, tokens of 5 s, clock skew 1 s.
/// </summary>
public sealed class RotationTests : IAsyncLifetime
{
    internal const string ShortLifetimes = Postern.Testing.ShortLifetimes.Yaml;

    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AdminApi _admin = null!;
    private WorkloadClient _workload = null!;
    private string _credential = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path, ShortLifetimes);
        _admin = new AdminApi(_server);
        _workload = new WorkloadClient(_server);
        await _admin.CreateAsync(WorkloadClient.Policy);
        _credential = await _workload.JoinNewBotAsync("rotor");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_automatic_rotation_walks_every_phase_and_the_key_set_and_the_signing_key_follow()
    {
        var (oldKid, etag0) = await KeySetAsync();
        Assert.Single(oldKid);

        var started = await RotateAsync("workload", new { grace = "6s" });
        Assert.Equal("init", started.GetProperty("authority").GetProperty("phase").GetString());
        var init = await KeySetAsync();
        Assert.Equal(2, init.Kids.Count);
        Assert.Equal(oldKid[0], init.Kids[0]);
        var newKid = init.Kids[1];
        Assert.Equal(oldKid[0], await SvidKidAsync());
        Assert.NotEqual(etag0, init.ETag);

        await WaitForPhaseAsync("workload", "update_clients", TimeSpan.FromSeconds(20));
        var update = await KeySetAsync();
        Assert.Equal([newKid, oldKid[0]], update.Kids);
        Assert.NotEqual(init.ETag, update.ETag);
        Assert.Equal(newKid, await SvidKidAsync());

        await WaitForPhaseAsync("workload", "standby", TimeSpan.FromSeconds(20));
        var done = await KeySetAsync();
        Assert.Equal([newKid], done.Kids);
        Assert.Equal(newKid, await SvidKidAsync());

        var events = (await _admin.AuditAsync("ca.rotated")).Where(e => e.GetProperty("authority").GetString() == "workload").ToList();
        Assert.Equal(["standby>init", "init>update_clients", "update_clients>standby"], events.Select(e => $"{e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}"));
        Assert.Equal(["operator", "grace period passed", "grace period passed"], events.Select(e => e.GetProperty("cause").GetString()));
        Assert.All(events, e => Assert.Equal(newKid, e.GetProperty("new_kid").GetString()));

        // The other authority did not move.
        Assert.Equal("standby", (await AuthorityAsync("jwt")).GetProperty("phase").GetString());
    }

    [Fact]
    public async Task A_manual_rotation_warns_when_early_and_a_rollback_from_update_clients_signs_with_the_old_key_again()
    {
        var oldKid = (await KeySetAsync()).Kids.Single();
        await RotateAsync("workload", new { manual = true, phase = "init" });
        var newKid = (await KeySetAsync()).Kids[1];

        var early = await RotateAsync("workload", new { manual = true, phase = "update_clients" });
        Assert.Contains("in init; the grace period advises 30m", early.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Contains("verifiers that cached the key set", early.GetProperty("warning").GetString(), StringComparison.OrdinalIgnoreCase);
        var signedByNew = await _workload.IssueOneAsync(_credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(newKid, Kid(signedByNew.GetProperty("jwt_svid").GetString()!));

        var rolledBack = await RotateAsync("workload", new { rollback = true });
        Assert.Equal("rollback", rolledBack.GetProperty("authority").GetProperty("phase").GetString());
        Assert.Equal(oldKid, await SvidKidAsync());

        // The token the new key signed is still good: its key stays published through the rollback phase.
        Assert.Equal([oldKid, newKid], (await KeySetAsync()).Kids);
        var cache = new Postern.Verification.JsonWebKeySetCache(_server.Http, new Uri(_server.BaseUrl + "/workload-identity/jwt-jwks.json"), TimeProvider.System);
        var validator = new Postern.Verification.PosternTokenValidator(cache, new() { Issuer = _server.BaseUrl + "/workload-identity", Audiences = ["db"] }, TimeProvider.System);
        var result = await validator.ValidateAsync(signedByNew.GetProperty("jwt_svid").GetString()!);
        Assert.True(result.IsValid, result.ToString());

        await RotateAsync("workload", new { manual = true, phase = "standby" });
        Assert.Equal([oldKid], (await KeySetAsync()).Kids);
        var ls = await AuthorityAsync("workload");
        Assert.Equal("standby", ls.GetProperty("phase").GetString());
        Assert.Equal("signing", Assert.Single(ls.GetProperty("keys").EnumerateArray().ToList()).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("""{"grace":"2s"}""", 400, "a grace period of 2s is too short for the workload authority (at least 6s): each phase must outlast the key set's max-age (1s")]
    [InlineData("""{"manual":true,"phase":"halfway"}""", 400, "unknown phase 'halfway' (expected one of standby, init, update_clients, rollback)")]
    [InlineData("""{"phase":"init"}""", 400, "--phase moves a rotation by hand: give --manual with it")]
    [InlineData("""{"rollback":true}""", 400, "no rotation of the workload authority is under way (phase standby): nothing to roll back")]
    [InlineData("""{"manual":true,"phase":"update_clients"}""", 400, "no rotation of the workload authority is under way (phase standby)")]
    [InlineData("""{"grace":"soon"}""", 400, "grace: ")]
    public async Task A_bad_rotation_request_is_refused_with_a_reason_and_changes_nothing(string body, int status, string message)
    {
        var before = await AuthorityAsync("workload");

        using var response = await _admin.SendAsync(HttpMethod.Post, "authorities/workload/rotate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.ToString(), (await AuthorityAsync("workload")).ToString());
        Assert.Empty(await _admin.AuditAsync("ca.rotated"));
    }

    [Fact]
    public async Task A_second_rotation_or_a_skipped_phase_is_refused_while_one_is_under_way()
    {
        await RotateAsync("jwt", new { manual = true, phase = "init" });
        var before = await AuthorityAsync("jwt");

        foreach (var (body, message) in new[]
        {
            ("""{}""", "a rotation of the jwt authority is already under way: phase init since "),
            ("""{"manual":true,"phase":"init"}""", "the jwt authority is in init: the next phase is update_clients, not init"),
            ("""{"manual":true,"phase":"standby"}""", "the jwt authority is in init: the next phase is update_clients, not standby"),
        })
        {
            using var response = await _admin.SendAsync(HttpMethod.Post, "authorities/jwt/rotate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains(message, text, StringComparison.Ordinal);
        }

        Assert.Equal(before.ToString(), (await AuthorityAsync("jwt")).ToString());
        using var unknown = await _admin.SendAsync(HttpMethod.Post, "authorities/ssh/rotate", JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<JsonElement> RotateAsync(string type, object body)
    {
        using var response = await _admin.SendAsync(HttpMethod.Post, $"authorities/{type}/rotate", JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> AuthorityAsync(string type)
    {
        using var response = await _admin.SendAsync(HttpMethod.Get, "authorities");
        var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return list.EnumerateArray().Single(a => a.GetProperty("type").GetString() == type);
    }

    private async Task WaitForPhaseAsync(string type, string phase, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await AuthorityAsync(type)).GetProperty("phase").GetString() != phase)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the {type} authority did not reach {phase} within {timeout}");
            await Task.Delay(200);
        }
    }

    private async Task<(List<string> Kids, string ETag)> KeySetAsync()
    {
        using var response = await _server.Http.GetAsync(_server.BaseUrl + "/workload-identity/jwt-jwks.json");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ([.. json.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)], response.Headers.ETag!.Tag);
    }

    private async Task<string> SvidKidAsync()
    {
        var svid = await _workload.IssueOneAsync(_credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
        return Kid(svid.GetProperty("jwt_svid").GetString()!);
    }

    private static string Kid(string jwt) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;
}
