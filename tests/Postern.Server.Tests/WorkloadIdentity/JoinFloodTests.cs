using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;
using Xunit.Abstractions;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// Strangers at <c>POST /v1/bots/join</c>: junk from many requests and several addresses costs the server neither
/// memory nor audit log in proportion to its volume, and an address over its budget is answered 429.
/// </summary>
public sealed class JoinFloodTests(ITestOutputHelper output) : RunningServerTests
{
    private const int Junk = 10_000;
    private const int InFlight = 32;

    [Fact]
    public async Task Ten_thousand_junk_joins_from_several_addresses_leave_memory_flat_and_the_audit_log_bounded()
    {
        var clients = Enumerable.Range(2, 4).Select(i => SourceAddressClient.Create(Server, IPAddress.Parse($"127.0.0.{i}"))).ToList();
        try
        {
            // Warm up (JIT, connections, pools) before measuring.
            await SendJunkAsync(clients, 200);
            var (heapBefore, setBefore) = Measure();

            var watch = Stopwatch.StartNew();
            var answers = await SendJunkAsync(clients, Junk);
            var (heapAfter, setAfter) = Measure();
            var refused = answers.GetValueOrDefault(HttpStatusCode.Unauthorized);
            var limited = answers.GetValueOrDefault(HttpStatusCode.TooManyRequests);
            output.WriteLine($"{Junk} junk joins in {watch.Elapsed.TotalSeconds:0.0} s: {refused} answered 401, {limited} answered 429");
            output.WriteLine($"managed heap: {heapBefore / 1e6:0.0} MB before, {heapAfter / 1e6:0.0} MB after; working set: {setBefore / 1e6:0.0} MB before, {setAfter / 1e6:0.0} MB after");

            Assert.Equal(Junk, refused + limited);
            Assert.True(heapAfter - heapBefore < 32_000_000, $"the managed heap grew by {(heapAfter - heapBefore) / 1e6:0.0} MB over {Junk} junk joins");

            var admin = new AdminApi(Server);
            var individual = await admin.AuditAsync("bot.join");
            var coalesced = await admin.AuditAsync("bot.join.refused");
            output.WriteLine($"audit: {individual.Count} bot.join events, {coalesced.Count} bot.join.refused events");
            foreach (var e in coalesced)
            {
                output.WriteLine($"  {e.GetProperty("remote_addr")} {e.GetProperty("reason")}: {e.GetProperty("count")}");
            }

            Assert.Empty(individual);
            Assert.True(coalesced.Count <= 36, $"{coalesced.Count} audit events for {Junk + 200} junk joins");
            Assert.Equal(Junk + 200, coalesced.Sum(e => e.GetProperty("count").GetInt64()));
            Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"], coalesced.Select(e => e.GetProperty("remote_addr").GetString()).Distinct().Order());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task An_address_over_its_join_budget_is_answered_429_with_Retry_After_and_other_addresses_still_join()
    {
        using var flooder = SourceAddressClient.Create(Server, IPAddress.Parse("127.0.0.6"));
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 100 && limited is null; i++)
        {
            var response = await flooder.PostAsJsonAsync(WorkloadApiPaths.Join, new JoinRequest("not a token"), WorkloadApiJsonContext.Default.JoinRequest);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            var after = limited.Headers.RetryAfter?.Delta;
            Assert.True(after >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
            var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("too many join requests from this address; try again later", body.GetProperty("error").GetString());
        }

        await new AdminApi(Server).CreateAsync(WorkloadClient.Policy);
        var token = await new WorkloadClient(Server).AddBotAsync("neighbour");
        using var neighbour = SourceAddressClient.Create(Server, IPAddress.Parse("127.0.0.7"));
        using var joined = await neighbour.PostAsJsonAsync(WorkloadApiPaths.Join, new JoinRequest(token), WorkloadApiJsonContext.Default.JoinRequest);
        Assert.True(joined.StatusCode == HttpStatusCode.OK, await joined.Content.ReadAsStringAsync());

        var refused = await new AdminApi(Server).AuditAsync("bot.join.refused");
        Assert.Contains(refused, e => e.GetProperty("remote_addr").GetString() == "127.0.0.6" && e.GetProperty("reason").GetString() == "too many join requests from this address; try again later");
        Assert.Single(await new AdminApi(Server).AuditAsync("bot.join"), e => e.GetProperty("success").GetBoolean());
    }

    /// <summary>Sends <paramref name="count"/> junk joins, round robin over <paramref name="clients"/>, <see cref="InFlight"/> at a time.</summary>
    private static async Task<Dictionary<HttpStatusCode, int>> SendJunkAsync(List<HttpClient> clients, int count)
    {
        var answers = new Dictionary<HttpStatusCode, int>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, ct) =>
        {
            // Half malformed, half well-formed but unknown (those cost a store read).
            var token = i / clients.Count % 2 == 0 ? "junk" + i : Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            using var response = await clients[i % clients.Count].PostAsJsonAsync(WorkloadApiPaths.Join, new JoinRequest(token), WorkloadApiJsonContext.Default.JoinRequest, ct);
            lock (answers)
            {
                answers[response.StatusCode] = answers.GetValueOrDefault(response.StatusCode) + 1;
            }
        });
        return answers;
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }
}
