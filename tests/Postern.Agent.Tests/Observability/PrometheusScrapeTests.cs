using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Postern.Agent.Tests.Infrastructure;
using Postern.Configuration;
using Postern.Testing;
using TempDir = Postern.Agent.Tests.Infrastructure.TempDir;

namespace Postern.Agent.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a running Postern's and a running agent's diagnostic listeners; after signed-in app
/// requests and SVID issuances, its HTTP API returns the counts that were made.
/// </summary>
[Collection(ObservedAlone.Name)]
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const int AppRequests = 7;
    private const int Issuances = 4;
    private readonly TempDir _dir = new();
    private Upstream _upstream = null!;
    private TestPostern _server = null!;
    private AgentHost _agent = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _server = await TestPostern.StartAsync(_dir.File("server"), $"""
            diag_addr: 127.0.0.1:0
            apps:
              - name: metered
                uri: {_upstream.Address}
                public_addr: metered.localhost
            """);
        var admin = new AdminApi(_server);
        await admin.CreateAsync(WorkloadPolicy.ByUid());
        await admin.AddUserAsync("mia", Password, ["access"]);
        using var bot = await admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name = "agent", roles = new[] { "workload" }, agent = true }));
        Assert.True(bot.IsSuccessStatusCode, await bot.Content.ReadAsStringAsync());
        _agent = await AgentHost.StartAsync(new AgentOptions
        {
            Server = new Uri(_server.BaseUrl),
            JoinToken = (await bot.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString(),
            SocketPath = _dir.File("workload.sock"),
            DataDir = _dir.File("agent-data"),
            CaFile = _server.CertificatePath,
            PollInterval = TimeSpan.FromMilliseconds(200),
            DiagAddr = DiagAddr.TryParse("127.0.0.1:0", publicAllowed: false, out var diag, out _) ? diag : null,
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Prometheus_reads_the_app_requests_and_the_issuances_that_were_made()
    {
        Assert.True(File.Exists(PrometheusProcess.Binary), $"{PrometheusProcess.Binary} is missing: run tests/setup/prometheus.sh");
        using (var browser = new Browser(_server))
        {
            using var login = await browser.LoginAsync("mia", Password);
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
            for (var i = 0; i < AppRequests; i++)
            {
                using var page = await browser.GetAsync(browser.AppUrl("metered.localhost", $"/page/{i}"));
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }
        }

        using (var workload = new WorkloadClient(_agent.SocketPath))
        {
            for (var i = 0; i < Issuances; i++)
            {
                Assert.Single((await workload.FetchAsync($"audience-{i}")).Svids);
            }

            // Asked again: the agent's cache answers, the server issues nothing more.
            Assert.Single((await workload.FetchAsync("audience-0")).Svids);
        }

        Assert.Equal(AppRequests, _upstream.Requests.Count);
        await using var prometheus = await PrometheusProcess.StartAsync(Directory.CreateDirectory(_dir.File("prometheus")).FullName, new Dictionary<string, string>
        {
            ["postern"] = _server.Host.DiagAddress!.Authority,
            ["agent"] = _agent.DiagAddress!.Authority,
        });

        await WaitForAsync(prometheus, """sum(postern_app_requests_total{job="postern",app="metered",status_class="2xx"})""", AppRequests);
        await WaitForAsync(prometheus, """sum(postern_jwt_svid_issued_total{job="postern",result="issued",algorithm="RS256"})""", Issuances);
        await WaitForAsync(prometheus, """sum(postern_app_request_duration_seconds_count{job="postern",app="metered"})""", AppRequests);
        await WaitForAsync(prometheus, """sum(postern_agent_fetch_duration_seconds_count{job="agent",cache="miss"})""", Issuances);
        await WaitForAsync(prometheus, """sum(postern_agent_fetch_duration_seconds_count{job="agent",cache="hit"})""", 1);

        var buckets = await prometheus.QueryAsync("""postern_app_request_duration_seconds_bucket{job="postern",app="metered"}""");
        Assert.True(buckets.Count >= 2, $"the histogram has {buckets.Count} buckets");
        Assert.Equal(AppRequests, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.Contains(buckets, b => b.Labels["le"] != "+Inf" && b.Value > 0);
        Assert.True((await prometheus.QueryAsync("""postern_app_request_duration_seconds_sum{job="postern",app="metered"}""")).Single().Value > 0);

        // No series names a user, a path or a SPIFFE ID.
        var series = await prometheus.QueryAsync("""{__name__=~"postern_.+"}""");
        Assert.NotEmpty(series);
        Assert.DoesNotContain(series, s => s.Labels.Values.Any(v => v.Contains("mia", StringComparison.Ordinal) || v.Contains("/page/", StringComparison.Ordinal) || v.Contains("spiffe://", StringComparison.Ordinal)));
    }

    private static async Task WaitForAsync(PrometheusProcess prometheus, string query, double expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var seen = double.NaN;
        while (DateTime.UtcNow < deadline)
        {
            var result = await prometheus.QueryAsync(query);
            seen = result.Count == 0 ? double.NaN : result[0].Value;
            if (seen == expected)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{query} is {seen}, not {expected}; targets: {string.Join(", ", await prometheus.TargetHealthAsync())}; log: {await File.ReadAllTextAsync(prometheus.LogPath)}");
    }
}
