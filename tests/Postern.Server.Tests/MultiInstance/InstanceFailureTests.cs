using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Authority;
using Postern.Server.Tests.Authority;
using Postern.Server.Tests.Infrastructure;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.MultiInstance;

/// <summary>
/// Failures of a cluster on PostgreSQL: an instance killed with SIGKILL under load, and the database itself
/// restarted under load.
/// </summary>
[Collection(PostgresInstancesCollection.Name)]
public sealed class InstanceFailureTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly TempDir _dir = new();
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
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_survivor_of_a_SIGKILL_serves_every_later_request_keeps_every_audit_event_and_finishes_the_rotation_once()
    {
        var (a, portA) = await _cluster.StartProcessAsync("a", RotationTests.ShortLifetimes);
        var (b, portB) = await _cluster.StartProcessAsync("b", RotationTests.ShortLifetimes);
        await using (a)
        await using (b)
        {
            await a.Admin.CreateAsync(WorkloadClient.Policy + "\n---\n" + PostgresCluster.AppAndRole(_upstream.Address, env: "dev"));
            await a.Admin.AddUserAsync("alice", Password, ["dev-apps"]);
            var cookies = new CookieContainer();
            var browsers = new[] { new Browser($"https://127.0.0.1:{portA}", a.CertificatePath, cookies: cookies), new Browser($"https://127.0.0.1:{portB}", b.CertificatePath, cookies: cookies) };
            using var login = await browsers[0].LoginAsync("alice", Password);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var credential = await a.JoinBotAsync(portA, "loader");
            var svidClients = new[] { a.BearerClient(credential), b.BearerClient(credential) };
            var ports = new[] { portA, portB };

            // A rotation under way when the leader dies: the survivor must take it over and take each step once.
            using (var rotate = await a.Admin.SendAsync(HttpMethod.Post, "authorities/workload/rotate", JsonContent.Create(new { grace = "6s" })))
            {
                Assert.True(rotate.IsSuccessStatusCode, await rotate.Content.ReadAsStringAsync());
            }

            var leaderIndex = await LeaderIndexAsync(svidClients, ports);
            var survivor = 1 - leaderIndex;

            // Load alternating between the instances: app requests and SVID issuances.
            var jtis = new ConcurrentBag<string>();
            var afterKill = new ConcurrentBag<(string What, HttpStatusCode? Status, string? Error)>();
            var killed = 0;
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var target = (worker + i) % 2;
                    if (Volatile.Read(ref killed) == 1)
                    {
                        target = survivor;
                    }

                    var wasKilled = Volatile.Read(ref killed) == 1;
                    try
                    {
                        if (worker % 2 == 0)
                        {
                            using var response = await svidClients[target].PostAsJsonAsync($"https://127.0.0.1:{ports[target]}/v1/workload-identity/jwt-svids", new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
                            if (response.IsSuccessStatusCode)
                            {
                                jtis.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("svids")[0].GetProperty("jti").GetString()!);
                            }

                            if (wasKilled)
                            {
                                afterKill.Add(("svid", response.StatusCode, null));
                            }
                        }
                        else
                        {
                            using var response = await browsers[target].GetAsync(browsers[target].AppUrl("whoami.localhost", $"/w{worker}/{i}"));
                            if (wasKilled)
                            {
                                afterKill.Add(("app", response.StatusCode, null));
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                    {
                        if (wasKilled)
                        {
                            afterKill.Add((worker % 2 == 0 ? "svid" : "app", null, e.Message));
                        }
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(2));
            await (leaderIndex == 0 ? a : b).StopAsync("KILL");
            Volatile.Write(ref killed, 1);

            // The survivor finishes the rotation once it holds the lease (within the lease's 6 s).
            var survivorAdmin = (survivor == 0 ? a : b).Admin;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (await PhaseAsync(survivorAdmin) != "standby")
            {
                Assert.True(DateTime.UtcNow < deadline, "the survivor did not finish the rotation within 60 s");
                await Task.Delay(250);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            await stop.CancelAsync();
            await Task.WhenAll(load);

            var failures = afterKill.Where(r => r.Status != HttpStatusCode.OK).ToList();
            Assert.True(afterKill.Count > 20, $"only {afterKill.Count} requests reached the survivor after the kill");
            Assert.True(failures.Count == 0, $"{failures.Count} of {afterKill.Count} requests to the survivor failed: {string.Join("; ", failures.Take(5))}");

            var issued = (await survivorAdmin.AuditAsync("jwt_svid.issued")).Select(e => e.GetProperty("jti").GetString()).ToHashSet();
            var missing = jtis.Where(j => !issued.Contains(j)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {jtis.Count} returned SVIDs have no audit event");
            var assertions = (await survivorAdmin.AuditAsync("app.assertion.issued")).Select(e => e.GetProperty("jti").GetString()).ToHashSet();
            var seenByApp = _upstream.Requests.Select(r => r.Header("Teleport-Jwt-Assertion")).OfType<string>().Select(Jti).Distinct().ToList();
            Assert.NotEmpty(seenByApp);
            Assert.All(seenByApp, jti => Assert.Contains(jti, assertions));

            var steps = await survivorAdmin.AuditAsync("ca.rotated");
            Assert.Equal(["standby>init", "init>update_clients", "update_clients>standby"], steps.Select(e => $"{e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}"));

            foreach (var client in svidClients)
            {
                client.Dispose();
            }

            foreach (var browser in browsers)
            {
                browser.Dispose();
            }
        }
    }

    [Fact]
    public async Task After_PostgreSQL_restarts_under_load_the_instances_recover_by_themselves_and_catch_up_on_changes()
    {
        await using var a = await _cluster.StartInProcessAsync("a");
        await using var b = await _cluster.StartInProcessAsync("b");
        await new AdminApi(a).CreateAsync(WorkloadClient.Policy);
        var credential = await new WorkloadClient(a).JoinNewBotAsync("restart");

        var ok = new int[2];
        using var stop = new CancellationTokenSource();
        var load = new[] { a, b }.Select((server, index) => Task.Run(async () =>
        {
            var client = new WorkloadClient(server);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (status, _) = await client.IssueAsync(credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
                    if (status == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok[index]);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                }

                await Task.Delay(20);
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        await postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await postgres.StartAsync();

        // Changes made through A as soon as the database is back, while B may still be reconnecting its watch.
        var roles = Enumerable.Range(0, 10).Select(i => $"after-restart-{i}").ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var role in roles)
        {
            while (true)
            {
                using var response = await new AdminApi(a).SendAsync(HttpMethod.Post, "resources", new StringContent($"kind: role\nversion: v1\nmetadata: {{ name: {role} }}\nspec: {{}}\n", System.Text.Encoding.UTF8, "application/yaml"));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"instance A could not write after the restart: {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(200);
            }
        }

        var okBefore = (ok[0], ok[1]);
        while (roles.Any(r => b.Host.Cluster.FindRole(r) is null) || ok[0] <= okBefore.Item1 + 5 || ok[1] <= okBefore.Item2 + 5)
        {
            Assert.True(DateTime.UtcNow < deadline + TimeSpan.FromSeconds(15),
                $"after the restart: B knows {roles.Count(r => b.Host.Cluster.FindRole(r) is not null)} of {roles.Count} new roles; issuances since: A {ok[0] - okBefore.Item1}, B {ok[1] - okBefore.Item2}");
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        foreach (var server in new[] { a, b })
        {
            using var ready = await server.Http.GetAsync(server.BaseUrl + "/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Fact]
    public async Task Start_waits_for_an_unreachable_PostgreSQL_answering_not_ready_with_the_reason_then_serves()
    {
        await postgres.StopAsync();
        var folder = Directory.CreateDirectory(_dir.File("waiting")).FullName;
        var port = FreePort.Next();
        var config = Path.Combine(folder, "postern.yaml");
        File.WriteAllText(config, $"listen_addr: 127.0.0.1:{port}\npublic_addr: https://127.0.0.1:{port}\ndata_dir: data\n{_cluster.StorageYaml}\n");
        await using var server = PosternProcess.Start(folder, config, "postern.log", new Dictionary<string, string> { [KeyEncryptionKeySource.EnvironmentVariable] = _cluster.Kek });
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            HttpResponseMessage? ready = null;
            while (ready is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail("postern start did not answer while waiting: " + File.ReadAllText(server.LogPath));
                }

                try
                {
                    ready = await http.GetAsync($"https://127.0.0.1:{port}/readyz");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("the PostgreSQL store cannot be reached", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using (var healthz = await http.GetAsync($"https://127.0.0.1:{port}/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            }

            Assert.Contains("Waiting for the store", File.ReadAllText(server.LogPath), StringComparison.Ordinal);
        }
        finally
        {
            await postgres.StartAsync();
        }

        (await server.WaitReadyAsync(port)).Dispose();
        await server.StopAsync("TERM");
    }

    private static async Task<int> LeaderIndexAsync(HttpClient[] clients, int[] ports)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            for (var i = 0; i < clients.Length; i++)
            {
                var ready = JsonDocument.Parse(await clients[i].GetStringAsync($"https://127.0.0.1:{ports[i]}/readyz")).RootElement;
                if (ready.GetProperty("leader").GetBoolean())
                {
                    return i;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "neither instance leads");
            await Task.Delay(200);
        }
    }

    internal static async Task<string?> PhaseAsync(AdminApi admin) =>
        (await admin.AuthoritiesAsync()).Single(a => a.Type == "workload").Phase;

    private static string Jti(string jwt) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement.GetProperty("jti").GetString()!;
}
