using System.Collections.Concurrent;
using System.Collections.Frozen;
using Postern.Configuration;

namespace Postern.Server.State;

/// <summary>
/// The apps the proxy serves, found by name or by public host name: those of <c>postern.yaml</c>, which win over a
/// stored app of the same name or host, and those in the store.
/// </summary>
internal sealed class AppTable(IEnumerable<AppConfig> configured)
{
    private readonly ConcurrentDictionary<string, AppEntry> _stored = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, AppEntry> _configured =
        configured.ToFrozenDictionary(a => a.Name, a => new AppEntry(a, 0, fromConfig: true), StringComparer.Ordinal);

    private volatile FrozenDictionary<string, AppEntry> _byHost = FrozenDictionary<string, AppEntry>.Empty;

    /// <summary>Every app served, by name.</summary>
    public IEnumerable<AppEntry> All => _byHost.Values.OrderBy(a => a.Name, StringComparer.Ordinal);

    /// <summary>The names of the stored apps.</summary>
    public IEnumerable<string> StoredNames => _stored.Keys;

    /// <summary>The app whose public host name is <paramref name="hostName"/> (lower case, no port).</summary>
    public AppEntry? FindByHost(string hostName) => _byHost.GetValueOrDefault(hostName);

    public AppEntry? Find(string name) =>
        _configured.TryGetValue(name, out var fromConfig) ? fromConfig : _stored.GetValueOrDefault(name);

    public void Put(string name, AppEntry app)
    {
        _stored[name] = app;
        RebuildHosts();
    }

    public void Remove(string name)
    {
        _stored.TryRemove(name, out _);
        RebuildHosts();
    }

    public void RebuildHosts()
    {
        var byHost = new Dictionary<string, AppEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var app in _stored.Values.OrderBy(a => a.Revision))
        {
            if (!_configured.ContainsKey(app.Name))
            {
                byHost[app.HostName] = app;
            }
        }

        foreach (var app in _configured.Values)
        {
            byHost[app.HostName] = app;
        }

        _byHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
