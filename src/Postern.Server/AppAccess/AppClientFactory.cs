using System.Collections.Concurrent;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>
/// The HTTP clients that reach the apps' upstreams, one per app, made for the app as it is stored. When an app is
/// replaced or removed, its client is dropped and disposed at once; the next request makes one for the app as it
/// is then. YARP's <c>IForwarderHttpClientFactory</c> is the model: a client lives as long as its configuration.
/// </summary>
internal sealed class AppClientFactory : IDisposable
{
    private readonly ConcurrentDictionary<string, AppClient> _clients = new(StringComparer.Ordinal);
    private readonly ClusterState _cluster;

    public AppClientFactory(ClusterState cluster)
    {
        _cluster = cluster;
        cluster.AppChanged += Drop;
    }

    /// <summary>The client for <paramref name="app"/>: the one made for it, or a new one when the app changed since.</summary>
    public AppClient ClientFor(AppEntry app)
    {
        while (true)
        {
            if (_clients.TryGetValue(app.Name, out var current))
            {
                // A request holding an older entry than the client's uses the newer client: never a step back.
                if (current.App.Revision >= app.Revision)
                {
                    return current;
                }

                var replacement = new AppClient(app);
                if (_clients.TryUpdate(app.Name, replacement, current))
                {
                    current.Dispose();
                    return replacement;
                }

                replacement.Dispose();
                continue;
            }

            var created = new AppClient(app);
            if (_clients.TryAdd(app.Name, created))
            {
                return created;
            }

            created.Dispose();
        }
    }

    public void Dispose()
    {
        _cluster.AppChanged -= Drop;
        foreach (var name in _clients.Keys)
        {
            Drop(name);
        }
    }

    private void Drop(string name)
    {
        if (_clients.TryRemove(name, out var client))
        {
            client.Dispose();
        }
    }
}
