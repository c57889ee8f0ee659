using Microsoft.Extensions.DependencyInjection;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

[CollectionDefinition(nameof(SessionMemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>What live app sessions cost in memory: each with its access decision and a minted assertion.</summary>
[Collection(nameof(SessionMemoryTests))]
public sealed class SessionMemoryTests
{
    private const int Sessions = 10_000;
    private const long Budget = 50L * 1024 * 1024;

    [Fact]
    public async Task Ten_thousand_live_app_sessions_with_their_assertions_add_at_most_50_MB()
    {
        using var dir = new TempDir();
        await using var server = await TestPostern.StartAsync(dir.Path, """
            apps:
              - name: whoami
                uri: http://127.0.0.1:9
                public_addr: whoami.localhost
                rewrite:
                  headers: ["Authorization: Bearer {{internal.jwt}}"]
            """);
        await new AdminApi(server).AddUserAsync("alice", AppAccessFixture.Password, ["access"], new() { ["logins"] = ["alice", "root", "ubuntu"] });
        var services = server.Host.Services;
        var cluster = services.GetRequiredService<ClusterState>();
        var minter = services.GetRequiredService<AssertionMinter>();
        var live = services.GetRequiredService<AppSessions>();
        var app = cluster.FindApp("whoami")!;
        var user = cluster.FindUser("alice")!;
        var revision = cluster.UserRevision("alice");
        var expires = DateTimeOffset.UtcNow.AddHours(12);

        var before = Measure();
        await Parallel.ForAsync(0, Sessions, async (i, cancellationToken) =>
        {
            var token = SessionKeys.NewToken();
            var state = new AppSessionState(SessionKeys.Hash(token), user.Name, app.Name, SessionKeys.Hash(SessionKeys.NewToken()), expires);
            await minter.GetAsync(state, user, revision, app, cancellationToken);
            live.Track(state);
        });
        var after = Measure();

        Assert.Equal(Sessions, live.Count);
        var added = after - before;
        Assert.True(added <= Budget, $"{Sessions} sessions added {added / 1024.0 / 1024.0:F1} MB (budget {Budget / 1024 / 1024} MB)");
        Assert.True(added > Sessions * 500L, $"the measurement saw only {added} bytes; it is not measuring the sessions");
        GC.KeepAlive(live);
    }

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
