using Microsoft.Extensions.Logging.Abstractions;
using Postern.Configuration;
using Postern.Resources;
using Postern.Server.AppAccess;
using Postern.Server.State;
using Postern.Storage;
using Postern.Storage.Sqlite;

namespace Postern.Server.Tests.AppAccess;

/// <summary>An app's HTTP client lives as long as the app as stored: replaced or removed, it is disposed.</summary>
public sealed class AppClientFactoryTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("postern-appclients-");
    private SqliteBackend _store = null!;
    private ClusterState _cluster = null!;
    private ClusterStateWatch _watch = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = Path.Combine(_dir.FullName, "postern.db") }, CancellationToken.None);
        var config = ConfigLoader.Parse($"cluster_name: test.example.com\ndata_dir: {_dir.FullName}\n", _dir.FullName);
        _cluster = new ClusterState(_store, config, [], TimeProvider.System, NullLogger<ClusterState>.Instance);
        await _cluster.LoadAsync(CancellationToken.None);
        _watch = new ClusterStateWatch(_cluster, _store, TimeProvider.System, NullLogger<ClusterState>.Instance);
        await _watch.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _watch.StopAsync(CancellationToken.None);
        _watch.Dispose();
        await _store.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Replacing_a_stored_app_three_times_disposes_each_replaced_client()
    {
        using var factory = new AppClientFactory(_cluster);
        await PutAppAsync("http://127.0.0.1:9001");
        var clients = new List<AppClient> { factory.ClientFor(_cluster.FindApp("grafana")!) };
        Assert.Same(clients[0], factory.ClientFor(_cluster.FindApp("grafana")!));

        for (var port = 9002; port <= 9004; port++)
        {
            await PutAppAsync($"http://127.0.0.1:{port}");
            var app = _cluster.FindApp("grafana")!;
            Assert.Equal($"http://127.0.0.1:{port}", app.DestinationPrefix);
            clients.Add(factory.ClientFor(app));
        }

        Assert.Equal(4, clients.Distinct().Count());
        Assert.All(clients[..3], c => Assert.True(c.IsDisposed, $"the client for {c.App.DestinationPrefix} (revision {c.App.Revision}) was replaced but not disposed"));
        Assert.False(clients[3].IsDisposed, "the client of the app as stored now was disposed");
        Assert.Equal(clients[3].App.Revision, _cluster.FindApp("grafana")!.Revision);
    }

    [Fact]
    public async Task Removing_a_stored_app_disposes_its_client()
    {
        using var factory = new AppClientFactory(_cluster);
        await PutAppAsync("http://127.0.0.1:9001");
        var client = factory.ClientFor(_cluster.FindApp("grafana")!);

        Assert.True(await _store.DeleteAsync(ResourceJson.StoreKey("app", "grafana"), CancellationToken.None));
        await _cluster.WaitForRevisionAsync(await _store.CurrentRevisionAsync(CancellationToken.None), CancellationToken.None);

        Assert.Null(_cluster.FindApp("grafana"));
        Assert.True(client.IsDisposed, "the removed app's client was not disposed");
    }

    [Fact]
    public async Task A_request_holding_the_replaced_app_gets_the_newer_client_and_disposes_nothing()
    {
        using var factory = new AppClientFactory(_cluster);
        await PutAppAsync("http://127.0.0.1:9001");
        var old = _cluster.FindApp("grafana")!;
        await PutAppAsync("http://127.0.0.1:9002");
        var current = factory.ClientFor(_cluster.FindApp("grafana")!);

        Assert.Same(current, factory.ClientFor(old));
        Assert.False(current.IsDisposed);
    }

    private async Task PutAppAsync(string uri)
    {
        var app = new AppConfig { Name = "grafana", Uri = new Uri(uri), PublicAddr = "grafana.localhost" };
        var revision = await _store.PutAsync(ResourceJson.StoreKey("app", "grafana"), ResourceJson.Serialize(AppResource.Of(app)), null, CancellationToken.None);
        await _cluster.WaitForRevisionAsync(revision, CancellationToken.None);
    }
}
