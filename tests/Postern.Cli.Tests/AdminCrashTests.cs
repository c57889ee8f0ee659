using System.Net.Http.Json;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>
/// An admin change and its audit event are one transaction: a `postern start` killed with SIGKILL over and over while a
/// script adds and removes users and locks leaves a store where every change has its event, and no event describes a
/// change the store does not hold.
/// </summary>
public sealed class AdminCrashTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Killing_the_server_during_admin_writes_loses_no_event_and_no_change()
    {
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, $"""
            cluster_name: crash.example.com
            listen_addr: 127.0.0.1:{_port}
            public_addr: https://127.0.0.1:{_port}
            data_dir: data
            """);
        var random = new Random(22);
        var attempted = 0;
        for (var round = 0; round < 6; round++)
        {
            var server = PosternProcess.Start(_dir.Path, config, $"round{round}.log");
            (await server.WaitReadyAsync(_port)).Dispose();
            using var stop = new CancellationTokenSource();
            // Three scripts at once, so that a kill finds writes in flight.
            var scripts = Enumerable.Range(0, 3).Select(worker => RunScriptAsync(server.Admin, $"r{round}w{worker}", stop.Token)).ToList();
            await Task.Delay(random.Next(3000, 7000));
            await server.StopAsync("KILL");
            await stop.CancelAsync();
            attempted += (await Task.WhenAll(scripts)).Sum();
            await server.DisposeAsync();
        }

        var last = PosternProcess.Start(_dir.Path, config, "check.log");
        (await last.WaitReadyAsync(_port)).Dispose();
        var admin = last.Admin;
        using var usersAnswer = await admin.SendAsync(HttpMethod.Get, "users");
        var users = JsonDocument.Parse(await usersAnswer.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(u => u.GetProperty("name").GetString()!).Where(n => n.StartsWith('r')).ToHashSet();
        using var locksAnswer = await admin.SendAsync(HttpMethod.Get, "locks");
        var locks = JsonDocument.Parse(await locksAnswer.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(l => l.GetProperty("target").GetString()!).ToHashSet();

        var created = Names(await admin.AuditAsync("user.create"), "user");
        var deleted = Names(await admin.AuditAsync("user.delete"), "user");
        var locked = Names(await admin.AuditAsync("lock.create"), "target");
        var unlocked = Names(await admin.AuditAsync("lock.delete"), "target");
        await last.StopAsync("TERM");
        await last.DisposeAsync();

        Assert.True(created.Count >= 10 && deleted.Count >= 3 && locked.Count >= 5 && unlocked.Count >= 2,
            $"the script did too little to test anything: {attempted} requests, {created.Count} users created, {deleted.Count} removed, {locked.Count} locks, {unlocked.Count} unlocks");
        Assert.Empty(users.Where(u => !created.Contains(u) || deleted.Contains(u)).Select(u => $"user {u} is in the store without its events"));
        Assert.Empty(created.Where(u => !users.Contains(u) && !deleted.Contains(u)).Select(u => $"user.create of {u}, which is not in the store and has no user.delete"));
        Assert.Empty(deleted.Where(users.Contains).Select(u => $"user.delete of {u}, which is still in the store"));
        Assert.Empty(locks.Where(l => !locked.Contains(l) || unlocked.Contains(l)).Select(l => $"lock {l} is in the store without its events"));
        Assert.Empty(locked.Where(l => !locks.Contains(l) && !unlocked.Contains(l)).Select(l => $"lock.create of {l}, which is not in the store and has no lock.delete"));
        Assert.Empty(unlocked.Where(locks.Contains).Select(l => $"lock.delete of {l}, whose lock is still in the store"));
    }

    private static HashSet<string> Names(List<JsonElement> events, string field) =>
        [.. events.Select(e => e.GetProperty(field).GetString()!).Where(n => n.StartsWith('r') || n.StartsWith("user/r", StringComparison.Ordinal))];

    /// <summary>Adds a user and a lock, removes the previous ones, until the server is gone; returns how many requests it sent.</summary>
    private static async Task<int> RunScriptAsync(AdminApi admin, string prefix, CancellationToken stop)
    {
        var sent = 0;
        try
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var name = $"{prefix}u{n}";
                (await admin.SendAsync(HttpMethod.Post, "users", JsonContent.Create(new { name, roles = new[] { "access" } }))).Dispose();
                (await admin.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = $"user/{name}" }))).Dispose();
                sent += 2;
                if (n % 2 == 1)
                {
                    var previous = $"{prefix}u{n - 1}";
                    (await admin.SendAsync(HttpMethod.Delete, $"locks/user/{previous}")).Dispose();
                    (await admin.SendAsync(HttpMethod.Delete, $"users/{previous}")).Dispose();
                    sent += 2;
                }
            }
        }
        catch (HttpRequestException)
        {
            // The server was killed.
        }
        catch (TaskCanceledException)
        {
            // Killed in the middle of an answer.
        }
        catch (IOException)
        {
            // The same, seen while reading the answer.
        }

        return sent;
    }
}
