using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;
using Postern.Storage;
using Postern.Sso;
using Postern.WorkloadIdentity;

namespace Postern.Server.State;

/// <summary>
/// The users, roles, apps and locks every request needs, held in memory and kept equal to the store by
/// a watch (<see cref="ClusterStateWatch"/>), so that a request never waits on the database and a change made on
/// any instance is enforced on this one within moments. Configuration and revisions only: what a part makes from
/// them (an app's HTTP client, a session's decision) is the part's.
/// </summary>
internal sealed class ClusterState(IBackend store, PosternConfig config, IEnumerable<IStateFollower> followers, TimeProvider time, ILogger<ClusterState> logger)
{
    private static readonly string[] ResourcePrefixKinds = ["user", "role", "app", ResourceKinds.WorkloadIdentity, ResourceKinds.Bot, ResourceKinds.Oidc];
    private static readonly string[] LoadedPrefixes = [.. ResourcePrefixKinds.Select(ResourceJson.Prefix), LockRecord.Prefix];

    private readonly ConcurrentDictionary<string, Versioned<User>> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Versioned<Role>> _roles = new(StringComparer.Ordinal);
    private readonly WorkloadTable _workloads = new();
    private readonly LockTable _locks = new(time);
    private readonly ConcurrentDictionary<string, OidcConnector> _connectors = new(StringComparer.Ordinal);
    private readonly IStateFollower[] _followers = [.. followers];
    private readonly AppTable _apps = new(config.Apps);
    private readonly PolicyDigest _policy = new();
    private long _version;
    private long _revision;

    /// <summary>Grows with every change applied; per-session caches recompute when it moves.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// What agents are told as the policy revision: derived from the roles, workload identities, bots and locks on bots in
    /// the store (<see cref="PolicyDigest"/>), so the same on every instance that reflects the same store.
    /// </summary>
    public long PolicyRevision => _policy.Current(time.GetUtcNow());

    /// <summary>The store revision this state reflects.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Raised with the name of a stored app that was created, replaced or removed.</summary>
    public event Action<string>? AppChanged;

    /// <summary>Raised with the name of an SSO connector that was created, replaced or removed.</summary>
    public event Action<string>? ConnectorChanged;

    /// <summary>
    /// Raised after every change that moved <see cref="Version"/> (a user, role, app or lock), on the thread that applied it,
    /// so that what was allowed before can be checked again; handlers must be quick and must not throw.
    /// </summary>
    public event Action? VersionMoved;

    /// <summary>Reads everything once; called before the server takes requests.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var revision = await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
        _users.Clear();
        _roles.Clear();
        _locks.Clear();
        _workloads.Clear();
        _policy.Clear();
        foreach (var name in _apps.StoredNames)
        {
            _apps.Remove(name);
            AppChanged?.Invoke(name);
        }

        foreach (var name in _connectors.Keys)
        {
            _connectors.TryRemove(name, out _);
            ConnectorChanged?.Invoke(name);
        }

        foreach (var follower in _followers)
        {
            follower.Clear();
        }

        foreach (var prefix in LoadedPrefixes.Concat(_followers.Where(f => f.ReadsAtLoad).SelectMany(f => f.Prefixes)))
        {
            foreach (var item in await store.RangeAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                ApplyChange(new Change(ChangeKind.Put, item.Key, item.Value, item.Revision, item.Expires));
            }
        }

        _apps.RebuildHosts();
        Interlocked.Exchange(ref _revision, revision);
        Interlocked.Increment(ref _version);
        VersionMoved?.Invoke();
    }

    public User? FindUser(string name) => _users.TryGetValue(name, out var user) ? user.Value : null;

    public long UserRevision(string name) => _users.TryGetValue(name, out var user) ? user.Revision : Revision;

    public IEnumerable<User> Users => _users.Values.Select(v => v.Value).OrderBy(u => u.Name, StringComparer.Ordinal);

    public IEnumerable<LockRecord> Locks => _locks.All;

    public Role? FindRole(string name) => _roles.TryGetValue(name, out var role) ? role.Value : null;

    /// <summary>The roles <paramref name="user"/> holds that exist, in its order.</summary>
    public IReadOnlyList<Role> RolesOf(User user) => RolesOf(user.Roles);

    /// <summary>The lock on <paramref name="target"/> (<c>user/alice</c>) that is in force now, if any.</summary>
    public LockRecord? FindLock(string target) => _locks.Find(target);

    /// <summary>The app whose public host name is <paramref name="hostName"/> (lower case, no port).</summary>
    public AppEntry? FindAppByHost(string hostName) => _apps.FindByHost(hostName);

    public AppEntry? FindApp(string name) => _apps.Find(name);

    /// <summary>Every workload identity, by name.</summary>
    public IReadOnlyList<WorkloadIdentityPolicy> WorkloadIdentities => _workloads.Identities(Version);

    /// <summary>
    /// What the bot named <paramref name="name"/> may do, from the roles it holds now; built once per <see cref="Version"/>
    /// rather than per JWT-SVID request.
    /// </summary>
    public AccessChecker BotAccess(string name) => _workloads.BotAccess(Version, name, RolesOf);

    public BotResource? FindBot(string name) => _workloads.FindBot(name);

    public IEnumerable<BotResource> Bots => _workloads.Bots;

    public IReadOnlyList<Role> RolesOf(IEnumerable<string> names) => [.. names.Select(FindRole).OfType<Role>()];

    public IEnumerable<AppEntry> Apps => _apps.All;

    /// <summary>The SSO connector named <paramref name="name"/>, if any.</summary>
    public OidcConnector? FindConnector(string name) => _connectors.GetValueOrDefault(name);

    /// <summary>Every SSO connector, by name.</summary>
    public IEnumerable<OidcConnector> Connectors => _connectors.Values.OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>Waits until the state reflects the store at <paramref name="revision"/> or later.</summary>
    public async Task WaitForRevisionAsync(long revision, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (Revision < revision)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Applies one change from the store's change feed, at its revision.</summary>
    public void Apply(Change change)
    {
        if (ApplyChange(change))
        {
            Interlocked.Increment(ref _version);
            VersionMoved?.Invoke();
        }

        Interlocked.Exchange(ref _revision, change.Revision);
    }

    /// <summary>Applies one change; <c>true</c> when it changed something access depends on.</summary>
    private bool ApplyChange(Change change)
    {
        var key = change.Key;
        if (PolicyDigest.Covers(key))
        {
            _policy.Apply(change);
        }

        foreach (var follower in _followers)
        {
            if (follower.Prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                follower.Apply(change);
                return false;
            }
        }

        if (key.StartsWith(LockRecord.Prefix, StringComparison.Ordinal))
        {
            _locks.Apply(change);
            return true;
        }

        foreach (var kind in ResourcePrefixKinds)
        {
            var prefix = ResourceJson.Prefix(kind);
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[prefix.Length..];
            switch (StoredResource.Read(kind, change, logger))
            {
                case UserResource user:
                    _users[name] = new(user.User, change.Revision);
                    break;
                case RoleResource role:
                    _roles[name] = new(role.Role, change.Revision);
                    break;
                case WorkloadIdentityResource identity:
                    _workloads.PutIdentity(name, identity.Policy);
                    break;
                case BotResource bot:
                    _workloads.PutBot(name, bot);
                    break;
                case null when kind == ResourceKinds.WorkloadIdentity:
                    _workloads.RemoveIdentity(name);
                    break;
                case null when kind == ResourceKinds.Bot:
                    _workloads.RemoveBot(name);
                    break;
                case OidcConnectorResource oidc:
                    _connectors[name] = oidc.Connector;
                    ConnectorChanged?.Invoke(name);
                    break;
                case null when kind == ResourceKinds.Oidc:
                    _connectors.TryRemove(name, out _);
                    ConnectorChanged?.Invoke(name);
                    break;
                case AppResource app:
                    _apps.Put(name, new AppEntry(app.App, change.Revision, fromConfig: false));
                    AppChanged?.Invoke(name);
                    break;
                case null when kind == "user":
                    _users.TryRemove(name, out _);
                    break;
                case null when kind == "role":
                    _roles.TryRemove(name, out _);
                    break;
                case null:
                    _apps.Remove(name);
                    AppChanged?.Invoke(name);
                    break;
            }

            return true;
        }

        return false;
    }
}
