using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Postern.Agent.Tests.EndToEnd.Rotation;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.Testing;
using Postern.Verification;
using Xunit.Abstractions;
using TempDir = Postern.Agent.Tests.Infrastructure.TempDir;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// Key rotation as verifiers see it: a real server, an app behind it, the agent joined as a bot, and three
/// independent verifiers that keep their key sets as deployed ones do — Postern.Verification, jose's remote
/// key set with its default caching (kept 10 minutes, refetched for an unknown kid at most every 30 s), and
/// the agent's <c>ValidateJWTSVID</c>. The key set's max-age is 31 s, the shortest grace period the server
/// then accepts, so that jose's 30 s cool-down ends within a phase.
/// </summary>
public sealed class RotationUnderLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Cluster = "test.example.com";

    private const string ShortLifetimes = """
        authorities: { key_set_max_age: 31s, clock_skew: 1s }
        app_access: { assertion_ttl: 5s }
        workload_identity: { default_ttl: 5s, max_ttl: 5s }
        """;

    private static readonly string[] Kinds = ["jwt", "workload"];

    private readonly TempDir _dir = new();
    private Upstream? _upstream;
    private TestPostern? _server;
    private AdminApi _admin = null!;
    private HttpClient? _keySetClient;
    private AgentHost? _agent;
    private WorkloadClient? _workloads;
    private JoseStream? _jose;

    private TestPostern Server => _server!;

    private Upstream App => _upstream!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_jose is not null)
        {
            await _jose.DisposeAsync();
        }

        _workloads?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _keySetClient?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task A_full_rotation_of_both_authorities_under_load_rejects_no_token_and_a_fresh_verifier_rejects_the_old_key_afterwards()
    {
        var clock = Stopwatch.StartNew();
        await StartServerAsync(ShortLifetimes);
        var botCredential = await JoinAsync(await AddBotAsync("issuer"));
        _agent = await AgentHost.StartAsync(new AgentOptions
        {
            Server = new Uri(Server.BaseUrl),
            JoinToken = await AddBotAsync("agent"),
            SocketPath = _dir.File("workload.sock"),
            DataDir = _dir.File("agent-data"),
            CaFile = Server.CertificatePath,
            PollInterval = TimeSpan.FromMilliseconds(250),
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, CancellationToken.None);
        _workloads = new WorkloadClient(_agent.SocketPath);
        _jose = JoseStream.Start(Server, Cluster);

        // The verifiers are created before the rotation and kept through it, as an app or a resource server keeps them.
        var verifiers = new TokenVerifiers(Validator("jwt"), Validator("workload"), _jose, _workloads);
        var load = new RotationLoad(Server, App, _workloads, botCredential, verifiers);
        var oldKids = new Dictionary<string, string>();
        foreach (var kind in Kinds)
        {
            oldKids[kind] = Assert.Single(await KeySetKidsAsync(kind));
        }

        using var stopLoad = new CancellationTokenSource();
        var loadRun = load.RunAsync(stopLoad.Token);

        // Every verifier holds the key set with the old key alone before the rotation starts.
        await Eventually.TrueAsync(() => verifiers.EachHasAcceptedEveryKind() || loadRun.IsCompleted,
            "every verifier has accepted a token of each kind", TimeSpan.FromSeconds(60));
        Assert.False(loadRun.IsFaulted, loadRun.Exception?.ToString());
        var rotationStarted = clock.Elapsed;
        var newKids = new Dictionary<string, string>();
        var initSince = new Dictionary<string, DateTimeOffset>();
        foreach (var kind in Kinds)
        {
            var started = (await RotateAsync(kind, new { grace = "31s" })).GetProperty("authority");
            Assert.Equal("init", started.GetProperty("phase").GetString());
            initSince[kind] = started.GetProperty("phase_since").GetDateTimeOffset();
            newKids[kind] = started.GetProperty("keys").EnumerateArray()
                .Single(k => k.GetProperty("state").GetString() == "next").GetProperty("kid").GetString()!;
        }

        // The key set holds both keys exactly while the rotation overlaps them, the signing key first, and the
        // new key alone at the end.
        string[] Expected(string kind, string phase) => phase switch
        {
            "init" => [oldKids[kind], newKids[kind]],
            "update_clients" => [newKids[kind], oldKids[kind]],
            _ => [newKids[kind]],
        };
        var samples = await SampleKeySetsUntilStandbyAsync(clock, s => s.Kids.SequenceEqual(Expected(s.Kind, s.PhaseBefore)), TimeSpan.FromSeconds(150));
        var rotationTook = clock.Elapsed - rotationStarted;
        await stopLoad.CancelAsync();
        await loadRun.WaitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"rotation of both authorities: {rotationTook.TotalSeconds:F1} s; old kids {Describe(oldKids)}; new kids {Describe(newKids)}");
        output.WriteLine($"load: {load.Counts}; distinct tokens: {verifiers.Sources()}");
        output.WriteLine(verifiers.Tally(oldKids, newKids));
        output.WriteLine($"slowest verdict: {verifiers.Verdicts.Max(v => v.After).TotalMilliseconds:F0} ms after its token was produced");
        output.WriteLine($"key set samples: {samples.Count(s => s.Agreed)} of {samples.Count} read within one phase");
        foreach (var kind in Kinds)
        {
            var agreed = samples.Where(s => s.Kind == kind && s.Agreed).ToList();
            var wrong = agreed.Where(s => !s.Kids.SequenceEqual(Expected(kind, s.PhaseBefore))).ToList();
            Assert.True(wrong.Count == 0, $"the {kind} key set did not match its phase: " + string.Join("; ", wrong.Take(10)));
            Assert.Equal(["init", "update_clients", "standby"], agreed.Select(s => s.PhaseBefore).Distinct());
        }

        // No verifier rejected a token, and each accepted tokens of both keys of each authority: the overlap was tested.
        var rejected = verifiers.Verdicts.Where(v => !v.Accepted).ToList();
        Assert.True(rejected.Count == 0, $"{rejected.Count} rejections:\n{string.Join("\n", rejected.Take(30))}\n{verifiers.Tally(oldKids, newKids)}");
        Assert.True(load.Errors.Count == 0, $"{load.Errors.Count} requests of the load failed:\n" + string.Join("\n", load.Errors.Take(30)));
        foreach (var (verifier, kinds) in TokenVerifiers.All)
        {
            foreach (var kind in kinds)
            {
                var kids = verifiers.AcceptedKids(verifier, kind);
                Assert.True(kids.Contains(oldKids[kind]) && kids.Contains(newKids[kind]),
                    $"{verifier} accepted {kind} tokens signed by {string.Join(", ", kids)} only, not by both {oldKids[kind]} and {newKids[kind]}");
            }
        }

        // The last tokens the old keys signed, in init. They have expired by now, so each rejection must be shown
        // to be about the key: each verifier here looks the key up before it reads the claims (Postern.Verification
        // gives UnknownKeyId before Expired; jose asks the key set for the key first; so does the agent).
        var oldTokens = Kinds.ToDictionary(kind => kind, kind => verifiers.LastSignedBy(kind, oldKids[kind]));
        foreach (var kind in Kinds)
        {
            Assert.True(JwtParts.Claims(oldTokens[kind].Value).GetProperty("iat").GetInt64() >= initSince[kind].ToUnixTimeSeconds(),
                $"the last {kind} token of the old key was issued before init");
        }

        using var freshSession = await SignedInAsync();
        var newTokens = new Dictionary<string, IssuedToken>
        {
            ["jwt"] = new("jwt", "app assertion", await AssertionAfterRequestAsync(freshSession, "/fresh"), App.Address),
            ["workload"] = await load.IssueOverHttpAsync() ?? throw new InvalidOperationException(string.Join("\n", load.Errors)),
        };
        await A_verifier_that_fetches_the_key_set_afresh_rejects_the_old_keys_tokens_for_their_key(oldTokens, newTokens, oldKids, newKids);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task An_app_session_re_mints_its_assertion_when_the_signing_key_changes_before_its_next_use()
    {
        // Assertions of the default lifetime (5 minutes), so that only the change of key can explain a new one.
        await StartServerAsync(lifetimes: "");
        using var browser = await SignedInAsync();
        var first = await AssertionAfterRequestAsync(browser, "/remint");
        Assert.Equal(first, await AssertionAfterRequestAsync(browser, "/remint"));
        var oldKid = JwtParts.Kid(first);

        var init = await RotateAsync("jwt", new { manual = true, phase = "init" });
        var newKid = init.GetProperty("authority").GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("state").GetString() == "next").GetProperty("kid").GetString()!;
        Assert.Equal(first, await AssertionAfterRequestAsync(browser, "/remint"));

        await RotateAsync("jwt", new { manual = true, phase = "update_clients" });
        var after = await AssertionAfterRequestAsync(browser, "/remint");

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, JwtParts.Kid(after));
        Assert.NotEqual(JwtParts.Claims(first).GetProperty("jti").GetString(), JwtParts.Claims(after).GetProperty("jti").GetString());
        var result = await Validator("jwt").ValidateAsync(after);
        Assert.True(result.IsValid, result.ToString());
    }

    private async Task A_verifier_that_fetches_the_key_set_afresh_rejects_the_old_keys_tokens_for_their_key(
        Dictionary<string, IssuedToken> oldTokens, Dictionary<string, IssuedToken> newTokens, Dictionary<string, string> oldKids, Dictionary<string, string> newKids)
    {
        await using var freshJose = JoseStream.Start(Server, Cluster);
        foreach (var kind in Kinds)
        {
            var (old, current) = (oldTokens[kind], newTokens[kind]);
            var freshValidator = Validator(kind);
            var rejected = await freshValidator.ValidateAsync(old.Value);
            Assert.True(rejected.Rejection == TokenRejection.UnknownKeyId, $"Postern.Verification, {kind}: {rejected}");
            Assert.Contains(oldKids[kind], rejected.Message!, StringComparison.Ordinal);
            var accepted = await freshValidator.ValidateAsync(current.Value);
            Assert.True(accepted.IsValid && accepted.Identity.KeyId == newKids[kind], $"Postern.Verification, {kind}: {accepted}");

            var joseOld = await freshJose.VerifyAsync(kind, old.Value, old.Audience);
            Assert.True(joseOld is { Ok: false, Code: "ERR_JWKS_NO_MATCHING_KEY" }, $"jose, {kind}: {joseOld}");
            var joseNew = await freshJose.VerifyAsync(kind, current.Value, current.Audience);
            Assert.True(joseNew.Ok && joseNew.Kid == newKids[kind], $"jose, {kind}: {joseNew}");
        }

        // The agent follows the key set by polling it: it soon rejects the old key's SVID, for its key too.
        var oldSvid = oldTokens["workload"];
        string? reason = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await _workloads!.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = oldSvid.Audience, Svid = oldSvid.Value }, WorkloadClient.SecurityHeader);
                return false;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                reason = e.Status.Detail;
                return true;
            }
        }, "the agent rejects the old key's SVID", TimeSpan.FromSeconds(15));
        Assert.Equal($"UnknownKeyId: No key with kid '{oldKids["workload"]}' in the bundle of trust domain '{Cluster}'.", reason);
    }

    /// <summary>
    /// Reads each authority's phase, its key set, and its phase again, every 250 ms, until both authorities are in
    /// standby, or until a key set read within one phase is not <paramref name="isRight"/> for it.
    /// </summary>
    private async Task<List<KeySetSample>> SampleKeySetsUntilStandbyAsync(Stopwatch clock, Func<KeySetSample, bool> isRight, TimeSpan timeout)
    {
        var samples = new List<KeySetSample>();
        var deadline = clock.Elapsed + timeout;
        while (true)
        {
            var before = await PhasesAsync();
            var kids = new Dictionary<string, string[]>();
            foreach (var kind in Kinds)
            {
                kids[kind] = await KeySetKidsAsync(kind);
            }

            var after = await PhasesAsync();
            var taken = Kinds.Select(kind => new KeySetSample(kind, clock.Elapsed, before[kind], after[kind], kids[kind])).ToList();
            samples.AddRange(taken);
            // Done once each authority has a sample read wholly in standby (a step between the two phase reads
            // makes a sample that agrees with neither, so the first standby read may not count).
            if (Kinds.All(kind => samples.Any(s => s.Kind == kind && s.Agreed && s.PhaseBefore == "standby")) || taken.Any(s => s.Agreed && !isRight(s)))
            {
                return samples;
            }

            Assert.True(clock.Elapsed < deadline, $"the rotations did not end within {timeout}: " + string.Join("; ", samples.TakeLast(4)));
            await Task.Delay(250);
        }
    }

    private async Task<Dictionary<string, string>> PhasesAsync()
    {
        using var response = await _admin.SendAsync(HttpMethod.Get, "authorities");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.EnumerateArray()
            .ToDictionary(a => a.GetProperty("type").GetString()!, a => a.GetProperty("phase").GetString()!);
    }

    private async Task<string[]> KeySetKidsAsync(string kind)
    {
        var keySet = await Server.Http.GetFromJsonAsync<JsonElement>(KeySetUrl(kind));
        return [.. keySet.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private async Task<JsonElement> RotateAsync(string kind, object body)
    {
        using var response = await _admin.SendAsync(HttpMethod.Post, $"authorities/{kind}/rotate", JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task StartServerAsync(string lifetimes)
    {
        _upstream = await Upstream.StartAsync();
        _server = await TestPostern.StartAsync(_dir.File("server"), $"""
            {lifetimes}
            apps:
              - name: echo
                uri: {App.Address}
                public_addr: {RotationLoad.AppHost}
            """);
        _admin = new AdminApi(_server);
        // The role of both bots; SPIFFE IDs by uid for the test process (through the agent) and for uid 1000
        // (named by the bot that asks over HTTP).
        await _admin.CreateAsync(WorkloadPolicy.ByUid(CurrentProcess.Uid.ToString(CultureInfo.InvariantCulture), "1000"));
        await _admin.AddUserAsync(RotationLoad.User, RotationLoad.Password, ["access"]);
    }

    private async Task<string> AddBotAsync(string name)
    {
        using var response = await _admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name, roles = new[] { "workload" }, agent = true }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private async Task<string> JoinAsync(string joinToken)
    {
        using var response = await Server.Http.PostAsJsonAsync(Server.BaseUrl + "/v1/bots/join", new { token = joinToken });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("credential").GetString()!;
    }

    private async Task<Browser> SignedInAsync()
    {
        var browser = new Browser(Server);
        using var response = await browser.LoginAsync(RotationLoad.User, RotationLoad.Password);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return browser;
    }

    /// <summary>The assertion the app receives with a request on <paramref name="browser"/>'s session (while no load runs).</summary>
    private async Task<string> AssertionAfterRequestAsync(Browser browser, string path)
    {
        App.Requests.Clear();
        using var response = await browser.GetAsync(browser.AppUrl(RotationLoad.AppHost, path));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return Assert.Single(App.Requests).Header("Teleport-Jwt-Assertion")!;
    }

    /// <summary>A new Postern.Verification validator, with a new key set cache, for the tokens of <paramref name="kind"/>.</summary>
    private PosternTokenValidator Validator(string kind) => new(
        new JsonWebKeySetCache(_keySetClient ??= TestPostern.CreateClient(Server.CertificatePath), new Uri(KeySetUrl(kind)), TimeProvider.System),
        kind == "jwt"
            ? new PosternTokenValidatorOptions { Issuer = Cluster, Audiences = [App.Address] }
            : new PosternTokenValidatorOptions { Issuer = Server.BaseUrl + "/workload-identity", Audiences = [RotationLoad.HttpAudience, RotationLoad.AgentAudience] },
        TimeProvider.System);

    private string KeySetUrl(string kind) =>
        Server.BaseUrl + (kind == "jwt" ? "/.well-known/jwks.json" : "/workload-identity/jwt-jwks.json");

    private static string Describe(Dictionary<string, string> kids) => string.Join(", ", kids.Select(k => $"{k.Key} {k.Value[..8]}…"));

    /// <summary>A key set read between two reads of its authority's phase.</summary>
    private sealed record KeySetSample(string Kind, TimeSpan At, string PhaseBefore, string PhaseAfter, string[] Kids)
    {
        public bool Agreed => PhaseBefore == PhaseAfter;

        public override string ToString() => $"{Kind} at {At.TotalSeconds:F1} s: {PhaseBefore}/{PhaseAfter} [{string.Join(", ", Kids)}]";
    }
}
