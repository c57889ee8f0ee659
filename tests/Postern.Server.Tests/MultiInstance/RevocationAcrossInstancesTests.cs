using System.Net;
using System.Net.Http.Json;
using Postern.Testing;

namespace Postern.Server.Tests.MultiInstance;

/// <summary>
/// Two instances on one PostgreSQL database: a WebSocket open through instance A is cut within two seconds when its
/// session ends through instance B, which A learns only from the store's watch.
/// </summary>
[Collection(PostgresInstancesCollection.Name)]
public sealed class RevocationAcrossInstancesTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);
    private readonly TempDir _dir = new();
    private PostgresCluster _cluster = null!;
    private Upstream _upstream = null!;
    private TestPostern _a = null!;
    private TestPostern _b = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _cluster = new PostgresCluster(postgres, _dir);
        await _cluster.CreateDatabaseAsync();
        _a = await _cluster.StartInProcessAsync("instance-a");
        _b = await _cluster.StartInProcessAsync("instance-b");
        await new AdminApi(_a).CreateAsync(PostgresCluster.AppAndRole(_upstream.Address, env: "dev"));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("logout")]
    [InlineData("lock")]
    [InlineData("role")]
    public async Task A_WebSocket_through_one_instance_is_cut_when_its_session_ends_through_the_other(string how)
    {
        await new AdminApi(_a).AddUserAsync("alice", Password, ["dev-apps"]);
        var cookies = new CookieContainer();
        using var viaA = new Browser(_a, cookies: cookies);
        using var viaB = new Browser(_b, cookies: cookies);
        using (var login = await viaA.LoginAsync("alice", Password))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using (var open = await viaA.GetAsync(viaA.AppUrl("whoami.localhost")))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        using var socket = await EchoSocket.OpenAsync(viaA, "whoami.localhost");
        var closed = EchoSocket.NextAsync(socket);

        var adminB = new AdminApi(_b);
        switch (how)
        {
            case "logout":
                using (var logout = await viaB.Http.PostAsync(viaB.WebAddress + "/v1/logout", null))
                {
                    Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
                }

                break;
            case "lock":
                using (var locked = await adminB.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "user/alice" })))
                {
                    Assert.True(locked.IsSuccessStatusCode, await locked.Content.ReadAsStringAsync());
                }

                break;
            default:
                await adminB.CreateAsync(PostgresCluster.Role(env: "prod"));
                break;
        }

        var ended = DateTime.UtcNow;
        var outcome = await closed.WaitAsync(Limit + TimeSpan.FromSeconds(8));
        Assert.True(outcome.At - ended < Limit, $"instance A kept the WebSocket open {(outcome.At - ended).TotalMilliseconds:F0} ms after the session ended through B ({how})");
        Assert.Null(outcome.Message);
    }
}
