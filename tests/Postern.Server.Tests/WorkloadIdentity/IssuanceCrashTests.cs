using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// The audit promise under a crash: a `postern start` process killed with SIGKILL in the middle of a load of
/// issuances has, after it restarts, an event for every SVID it returned, exactly once, and its audit chains verify.
/// On SQLite here; on PostgreSQL in <see cref="PostgresIssuanceCrashTests"/>.
/// </summary>
public sealed class IssuanceCrashTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task Every_returned_jti_is_in_the_audit_log_exactly_once_after_a_SIGKILL() => RunAsync(_dir, "", null);

    /// <summary>The crash under load, on the store that <paramref name="storageYaml"/> names.</summary>
    internal static async Task RunAsync(TempDir dir, string storageYaml, IReadOnlyDictionary<string, string>? environment)
    {
        var port = FreePort.Next();
        var config = dir.File("postern.yaml");
        File.WriteAllText(config, $"cluster_name: crash.example.com\nlisten_addr: 127.0.0.1:{port}\npublic_addr: https://127.0.0.1:{port}\ndata_dir: data\n{storageYaml}\n");
        var returned = new ConcurrentBag<string>();
        await using (var server = PosternProcess.Start(dir.Path, config, "first.log", environment))
        {
            using var http = await server.WaitReadyAsync(port);
            var policy = dir.File("policy.yaml");
            File.WriteAllText(policy, WorkloadClient.Policy);
            Assert.Equal(0, (await PosternProcess.CliAsync("create", "-f", policy, "--config", config)).Exit);
            var (exit, output) = await PosternProcess.CliAsync("bots", "add", "crash", "--roles", "workload", "--agent", "--format", "json", "--config", config);
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
                        using var response = await http.PostAsJsonAsync($"https://127.0.0.1:{port}/v1/workload-identity/jwt-svids", new JwtSvidRequest(["crash"], Workload: WorkloadClient.Unix(1000)), stop.Token);
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

            await server.StopAsync("KILL");
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        Assert.True(returned.Count >= 150, $"only {returned.Count} SVIDs were returned before the kill");

        // SQLite journals the events (a segment is left by the kill); PostgreSQL, by default, writes them to the store.
        var journal = Path.Combine(dir.Path, "data", "audit-journal");
        Assert.Equal(storageYaml.Length == 0, Directory.Exists(journal) && Directory.GetFiles(journal, "*.journal").Length > 0);
        await using var restarted = PosternProcess.Start(dir.Path, config, "second.log", environment);
        using var _ = await restarted.WaitReadyAsync(port);
        var (searched, found) = await PosternProcess.CliAsync("audit", "search", "--type", "jwt_svid.issued", "--limit", "1000000", "--format", "json", "--config", config);
        Assert.True(searched == 0, found);
        var recorded = found.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("jti").GetString()!).ToList();
        Assert.Equal(recorded.Count, recorded.Distinct().Count());
        var missing = returned.Except(recorded).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {returned.Count} returned SVIDs have no audit event");
        var (verified, report) = await PosternProcess.CliAsync("audit", "verify", "--config", config);
        Assert.True(verified == 0, report);
        Assert.StartsWith("verified: ", report, StringComparison.Ordinal);
        await restarted.StopAsync("TERM");
    }
}
