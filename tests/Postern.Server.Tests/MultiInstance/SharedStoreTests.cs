using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Server.Tests.Authority;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.MultiInstance;

/// <summary>The test classes that start a PostgreSQL server of their own (one per class, a database per test).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresInstancesCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postern instances on PostgreSQL";
}

/// <summary>
/// Several Postern instances on one PostgreSQL database, as behind a load balancer: one set of keys, any
/// instance serves any session, and a change made through one is enforced by the others within seconds.
/// </summary>
[Collection(PostgresInstancesCollection.Name)]
public sealed class SharedStoreTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly TempDir _dir = new();
    private readonly List<TestPostern> _servers = [];
    private PostgresCluster _cluster = null!;
    private Upstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _cluster = new PostgresCluster(postgres, _dir);
        await _cluster.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<TestPostern[]> StartAsync(int count, string extraYaml = "")
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, count).Select(i => _cluster.StartInProcessAsync($"instance-{_servers.Count + i}", extraYaml)));
        _servers.AddRange(servers);
        return servers;
    }

    [Fact]
    public async Task Three_instances_started_together_on_an_empty_database_publish_the_same_single_key_per_authority()
    {
        var servers = await StartAsync(3);

        foreach (var path in new[] { "/.well-known/jwks.json", "/workload-identity/jwt-jwks.json" })
        {
            var sets = await Task.WhenAll(servers.Select(s => s.Http.GetStringAsync(s.BaseUrl + path)));
            Assert.Single(JsonDocument.Parse(sets[0]).RootElement.GetProperty("keys").EnumerateArray());
            Assert.All(sets, set => Assert.Equal(sets[0], set));
        }

        Assert.Single(servers.Select(s => s.Host.Authorities.Get(CertAuthorityType.Workload).SigningKid).Distinct());

        // One of them, and only one, does the once-only work.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (servers.Count(s => s.Host.Services.GetRequiredService<Postern.Server.State.ClusterLeader>().IsLeader) != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the instances did not settle on one leader within 10 s");
            await Task.Delay(100);
        }

        var leaders = await Task.WhenAll(servers.Select(async s => JsonDocument.Parse(await s.Http.GetStringAsync(s.BaseUrl + "/readyz")).RootElement.GetProperty("leader").GetBoolean()));
        Assert.Equal(1, leaders.Count(l => l));
    }

    [Fact]
    public async Task Two_processes_a_user_signs_in_through_one_opens_the_app_through_the_other_and_a_role_change_on_one_is_enforced_by_the_other()
    {
        var (a, portA) = await _cluster.StartProcessAsync("process-a");
        var (b, portB) = await _cluster.StartProcessAsync("process-b");
        await using (a)
        await using (b)
        {
            await a.Admin.CreateAsync(PostgresCluster.AppAndRole(_upstream.Address, env: "dev"));
            await a.Admin.AddUserAsync("alice", Password, ["dev-apps"]);
            var cookies = new CookieContainer();
            using var viaA = new Browser($"https://127.0.0.1:{portA}", a.CertificatePath, cookies: cookies);
            using var viaB = new Browser($"https://127.0.0.1:{portB}", b.CertificatePath, cookies: cookies);

            using (var login = await viaA.LoginAsync("alice", Password))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            using (var response = await viaB.GetAsync(viaB.AppUrl("whoami.localhost", "/through-b")))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                Assert.Equal("/through-b", _upstream.Last.PathAndQuery);
            }

            // Both serve the same key sets.
            foreach (var path in new[] { "/.well-known/jwks.json", "/workload-identity/jwt-jwks.json" })
            {
                Assert.Equal(await viaA.Http.GetStringAsync(viaA.WebAddress + path), await viaB.Http.GetStringAsync(viaB.WebAddress + path));
            }

            // The role loses the app through instance A; instance B enforces it within 2 s.
            await a.Admin.CreateAsync(PostgresCluster.Role(env: "prod"));
            var changed = DateTime.UtcNow;
            HttpStatusCode status;
            do
            {
                using var response = await viaB.GetAsync(viaB.AppUrl("whoami.localhost", "/after-change"));
                status = response.StatusCode;
                if (status == HttpStatusCode.OK)
                {
                    await Task.Delay(50);
                }
            }
            while (status == HttpStatusCode.OK && DateTime.UtcNow - changed < TimeSpan.FromSeconds(5));

            var took = DateTime.UtcNow - changed;
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.True(took < TimeSpan.FromSeconds(2), $"instance B enforced the role change after {took.TotalMilliseconds:F0} ms");
            await a.StopAsync("TERM");
            await b.StopAsync("TERM");
        }
    }

    [Fact]
    public async Task A_rotation_started_on_one_process_completes_while_the_other_serves_SVIDs_with_a_published_key()
    {
        var (a, portA) = await _cluster.StartProcessAsync("rotation-a", RotationTests.ShortLifetimes);
        var (b, portB) = await _cluster.StartProcessAsync("rotation-b", RotationTests.ShortLifetimes);
        await using (a)
        await using (b)
        {
            await a.Admin.CreateAsync(WorkloadClient.Policy);
            using var issuer = b.BearerClient(await a.JoinBotAsync(portA, "shared"));
            using var httpA = TestPostern.CreateClient(a.CertificatePath);
            var keySets = new[] { (httpA, $"https://127.0.0.1:{portA}"), (issuer, $"https://127.0.0.1:{portB}") };
            var oldKid = Assert.Single(await KidsAsync(keySets[0]));

            using (var rotate = await a.Admin.SendAsync(HttpMethod.Post, "authorities/workload/rotate", JsonContent.Create(new { grace = "6s" })))
            {
                Assert.True(rotate.IsSuccessStatusCode, await rotate.Content.ReadAsStringAsync());
            }

            // B issues throughout; every SVID it returns is signed by a key that both instances publish at that moment.
            var kidsSeen = new HashSet<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
            do
            {
                Assert.True(DateTime.UtcNow < deadline, "the rotation did not complete within 40 s");
                using var response = await issuer.PostAsJsonAsync($"https://127.0.0.1:{portB}/v1/workload-identity/jwt-svids", new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, body);
                var svid = JsonDocument.Parse(body).RootElement.GetProperty("svids")[0].GetProperty("jwt_svid").GetString()!;
                var kid = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(svid.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;
                kidsSeen.Add(kid);
                foreach (var keySet in keySets)
                {
                    Assert.Contains(kid, await KidsAsync(keySet));
                }

                await Task.Delay(200);
            }
            while (await InstanceFailureTests.PhaseAsync(a.Admin) != "standby" || (await KidsAsync(keySets[0])).SequenceEqual([oldKid]));

            var newKid = Assert.Single(await KidsAsync(keySets[0]));
            Assert.NotEqual(oldKid, newKid);
            Assert.Contains(oldKid, kidsSeen);
            Assert.Contains(newKid, kidsSeen);
            await Eventually(async () => (await KidsAsync(keySets[1])).SequenceEqual([newKid]));

            // Each automatic step was taken once, by the leader.
            var steps = await b.Admin.AuditAsync("ca.rotated");
            Assert.Equal(["standby>init", "init>update_clients", "update_clients>standby"], steps.Select(e => $"{e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}"));
            await a.StopAsync("TERM");
            await b.StopAsync("TERM");
        }
    }

    [Fact]
    public async Task Two_instances_report_one_policy_revision_and_an_agent_polling_both_in_turn_keeps_its_cache()
    {
        var a = (await StartAsync(1))[0];
        var admin = new AdminApi(a);
        await admin.CreateAsync(WorkloadClient.Policy);
        var token = await new WorkloadClient(a).AddBotAsync("roaming");

        // B starts after A has applied changes: a count of changes applied would differ between them.
        var b = (await StartAsync(1))[0];
        using var balancer = new AlternatingServers(a, b);
        await using var agent = await Postern.Agent.AgentHost.StartAsync(new Postern.Agent.AgentOptions
        {
            Server = new Uri("https://postern.test"),
            JoinToken = token,
            SocketPath = _dir.File("agent.sock"),
            DataDir = _dir.File("agent"),
            PollInterval = TimeSpan.FromMilliseconds(50),
            ServerHandler = balancer,
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, CancellationToken.None);
        var workload = new Postern.Agent.Attestation.UnixWorkload(1000, 1000, Environment.ProcessId, "/usr/bin/app");

        var first = await agent.Link.FetchSvidsAsync(workload, ["db"], CancellationToken.None);
        Assert.True(first.Svids.Count == 1, first.Message);
        var polls = balancer.PolicyPolls;
        await Eventually(() => Task.FromResult(balancer.PolicyPolls >= polls + 10));
        var again = await agent.Link.FetchSvidsAsync(workload, ["db"], CancellationToken.None);

        Assert.True(again.FromCache, "the agent dropped its cache while polling two instances of one cluster");
        Assert.Single(await admin.AuditAsync("jwt_svid.issued"));

        // A change through either instance, a deletion too, moves both to one new revision.
        var credential = agent.Link.Credential!.Credential;
        var before = await AgreedRevisionAsync([a, b], credential);
        await new AdminApi(b).CreateAsync(PostgresCluster.Role("staging"));
        var created = before;
        await Eventually(async () => (created = await AgreedRevisionAsync([a, b], credential)) != before);
        using (var removed = await admin.SendAsync(HttpMethod.Delete, "resources/role/dev-apps"))
        {
            Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        }

        // Back to what the store held before: the revision says so, which is all an agent needs to know.
        await Eventually(async () => await AgreedRevisionAsync([a, b], credential) != created);
        Assert.Equal(before, await AgreedRevisionAsync([a, b], credential));
    }

    /// <summary>The policy revision both instances report, once they report the same one.</summary>
    private static async Task<long> AgreedRevisionAsync(TestPostern[] servers, string credential)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var revisions = await Task.WhenAll(servers.Select(async s =>
            {
                var (status, body) = await new WorkloadClient(s).GetAsync(WorkloadApiPaths.Policy, credential);
                Assert.True(status == HttpStatusCode.OK, body.ToString());
                return body.GetProperty("revision").GetInt64();
            }));
            if (revisions.Distinct().Count() == 1)
            {
                return revisions[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"the instances report different policy revisions: {string.Join(", ", revisions)}");
            await Task.Delay(100);
        }
    }

    private static async Task<List<string>> KidsAsync((HttpClient Http, string BaseUrl) server) =>
        [.. JsonDocument.Parse(await server.Http.GetStringAsync(server.BaseUrl + "/workload-identity/jwt-jwks.json")).RootElement
            .GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the other instance did not follow within 10 s");
            await Task.Delay(100);
        }
    }
}
