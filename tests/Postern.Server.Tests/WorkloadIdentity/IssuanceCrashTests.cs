using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Cli;
using Postern.Server.Tests.Infrastructure;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// The audit promise under a crash: a `postern start` process killed with SIGKILL in the middle of a load of
/// issuances has, after it restarts, an event for every SVID it returned, exactly once.
/// </summary>
public sealed class IssuanceCrashTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_returned_jti_is_in_the_audit_log_exactly_once_after_a_SIGKILL()
    {
        var port = FreePort.Next();
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, $"cluster_name: crash.example.com\nlisten_addr: 127.0.0.1:{port}\npublic_addr: https://127.0.0.1:{port}\ndata_dir: data\n");
        var server = StartServer(config, "first.log");
        var returned = new ConcurrentBag<string>();
        try
        {
            using var http = await WaitReadyAsync(port);
            var policy = _dir.File("policy.yaml");
            File.WriteAllText(policy, WorkloadClient.Policy);
            Assert.Equal(0, (await CliAsync("create", "-f", policy, "--config", config)).Exit);
            var (exit, output) = await CliAsync("bots", "add", "crash", "--roles", "workload", "--format", "json", "--config", config);
            Assert.True(exit == 0, output);
            var token = JsonDocument.Parse(output).RootElement.GetProperty("token").GetString();
            using var joined = await http.PostAsJsonAsync($"https://127.0.0.1:{port}/v1/bots/join", new { token });
            var credential = JsonDocument.Parse(await joined.Content.ReadAsStringAsync()).RootElement.GetProperty("credential").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);

            // Four clients issue as fast as they can; the server dies under them once some SVIDs are out.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await http.PostAsJsonAsync($"https://127.0.0.1:{port}/v1/workload-identity/jwt-svids", new { audiences = new[] { "crash" }, workload = WorkloadClient.Unix(1000) }, stop.Token);
                        if (!response.IsSuccessStatusCode)
                        {
                            continue;
                        }

                        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop.Token)).RootElement;
                        returned.Add(body.GetProperty("svids")[0].GetProperty("jti").GetString()!);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or JsonException)
                    {
                        return;
                    }
                }
            })).ToList();
            while (returned.Count < 150 && !stop.IsCancellationRequested)
            {
                await Task.Delay(10);
            }

            Kill(server, "KILL");
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }
        finally
        {
            if (!server.HasExited)
            {
                Kill(server, "KILL");
            }

            server.Dispose();
        }

        Assert.True(returned.Count >= 150, $"only {returned.Count} SVIDs were returned before the kill");
        var restarted = StartServer(config, "second.log");
        try
        {
            using var _ = await WaitReadyAsync(port);
            var (exit, output) = await CliAsync("audit", "search", "--type", "jwt_svid.issued", "--limit", "1000000", "--format", "json", "--config", config);
            Assert.True(exit == 0, output);
            var recorded = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("jti").GetString()!).ToList();
            Assert.Equal(recorded.Count, recorded.Distinct().Count());
            var missing = returned.Except(recorded).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {returned.Count} returned SVIDs have no audit event");
        }
        finally
        {
            Kill(restarted, "TERM");
            await restarted.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            restarted.Dispose();
        }
    }

    /// <summary>Starts `postern start` with its output in a file (a child holding the test's pipes can hang the test host).</summary>
    private Process StartServer(string config, string log)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _dir.Path };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet '{Path.Combine(AppContext.BaseDirectory, "postern.dll")}' start --config '{config}' > '{_dir.File(log)}' 2>&1");
        return Process.Start(start)!;
    }

    private async Task<HttpClient> WaitReadyAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(_dir.File("data/tls/cert.pem")))
            {
                var http = TestPostern.CreateClient(_dir.File("data/tls/cert.pem"));
                try
                {
                    using var ready = await http.GetAsync($"https://127.0.0.1:{port}/readyz");
                    if (ready.IsSuccessStatusCode && File.Exists(_dir.File("data/admin.json")))
                    {
                        return http;
                    }
                }
                catch (HttpRequestException)
                {
                }

                http.Dispose();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("postern start did not become ready within 60 s: " + File.ReadAllText(_dir.File("first.log")));
    }

    private static async Task<(int Exit, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output + error.ToString());
    }

    private static void Kill(Process process, string signal) =>
        Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
}
