using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Storage;
using Postern.Server.WorkloadIdentity;
using Postern.Sso;
using Postern.WorkloadIdentity;

namespace Postern.Server.State;

/// <summary>
/// The users, roles, apps and locks every request needs, held in memory and kept equal to the store by
/// a watch, so that a request never waits on the database and a change made on any instance is enforced
/// on this one within moments.
/// </summary>
/// <remarks>
/// <see cref="Version"/> grows with every change applied, which is what per-session caches compare to
/// know when an access decision must be recomputed.
/// </remarks>
internal sealed class ClusterState(IBackend store, PosternConfig config, TimeProvider time, ILogger<ClusterState> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly string[] WatchedPrefixes =
        [ResourceJson.Prefix("user"), ResourceJson.Prefix("role"), ResourceJson.Prefix("app"), LockRecord.Prefix,
         ResourceJson.Prefix(ResourceKinds.WorkloadIdentity), ResourceJson.Prefix(ResourceKinds.Bot), BotCredentialRecord.Prefix,
         ResourceJson.Prefix(ResourceKinds.Oidc), SessionKeys.AppPrefix, SessionKeys.WebPrefix];
    private static readonly string[] ResourcePrefixKinds = ["user", "role", "app", ResourceKinds.WorkloadIdentity, ResourceKinds.Bot, ResourceKinds.Oidc];

    private readonly ConcurrentDictionary<string, Versioned<User>> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Versioned<Role>> _roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WorkloadIdentityPolicy> _workloadIdentities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BotResource> _bots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BotCredentialRecord> _botCredentials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LockRecord> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AppEntry> _storedApps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OidcConnector> _connectors = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, AppEntry> _configApps = config.Apps.ToFrozenDictionary(a => a.Name, a => new AppEntry(a, 0, fromConfig: true), StringComparer.Ordinal);
    private volatile FrozenDictionary<string, AppEntry> _appsByHost = FrozenDictionary<string, AppEntry>.Empty;
    private volatile WorkloadAccess _workloadAccess = new(-1, []);
    private long _version;
    private long _revision;

    /// <summary>Grows with every change applied; per-session caches recompute when it moves.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The store revision this state reflects.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Raised with the store key of a web or app session that was deleted or expired.</summary>
    public event Action<string>? SessionRemoved;

    /// <summary>Raised with the name of an SSO connector that was created, replaced or removed.</summary>
    public event Action<string>? ConnectorChanged;

    /// <summary>Reads everything once; called before the server takes requests.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var revision = await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
        _users.Clear();
        _roles.Clear();
        _locks.Clear();
        _storedApps.Clear();
        _workloadIdentities.Clear();
        _bots.Clear();
        _botCredentials.Clear();
        foreach (var name in _connectors.Keys)
        {
            _connectors.TryRemove(name, out _);
            ConnectorChanged?.Invoke(name);
        }

        foreach (var prefix in WatchedPrefixes[..8])
        {
            foreach (var item in await store.RangeAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                Apply(new Change(ChangeKind.Put, item.Key, item.Value, item.Revision, item.Expires));
            }
        }

        RebuildHosts();
        Interlocked.Exchange(ref _revision, revision);
        Interlocked.Increment(ref _version);
    }

    public User? FindUser(string name) => _users.TryGetValue(name, out var user) ? user.Value : null;

    public long UserRevision(string name) => _users.TryGetValue(name, out var user) ? user.Revision : Revision;

    public IEnumerable<User> Users => _users.Values.Select(v => v.Value).OrderBy(u => u.Name, StringComparer.Ordinal);

    public IEnumerable<LockRecord> Locks => _locks.Keys.Select(FindLock).OfType<LockRecord>().OrderBy(l => l.Target, StringComparer.Ordinal);

    public Role? FindRole(string name) => _roles.TryGetValue(name, out var role) ? role.Value : null;

    public IReadOnlyList<Role> RolesOf(User user)
    {
        var roles = new List<Role>(user.Roles.Count);
        foreach (var name in user.Roles)
        {
            if (FindRole(name) is { } role)
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    /// <summary>The lock on <paramref name="target"/> (<c>user/alice</c>) that is in force now, if any.</summary>
    public LockRecord? FindLock(string target) =>
        _locks.TryGetValue(target, out var found) && (found.Expires is null || found.Expires > time.GetUtcNow()) ? found : null;

    /// <summary>The app whose public host name is <paramref name="hostName"/> (lower case, no port).</summary>
    public AppEntry? FindAppByHost(string hostName) => _appsByHost.GetValueOrDefault(hostName);

    public AppEntry? FindApp(string name) =>
        _configApps.TryGetValue(name, out var fromConfig) ? fromConfig : _storedApps.GetValueOrDefault(name);

    /// <summary>Every workload identity, by name.</summary>
    public IReadOnlyList<WorkloadIdentityPolicy> WorkloadIdentities => CurrentWorkloadAccess().Identities;

    /// <summary>
    /// What the bot named <paramref name="name"/> may do, from the roles it holds now; built once per <see cref="Version"/>
    /// rather than per JWT-SVID request.
    /// </summary>
    public AccessChecker BotAccess(string name) =>
        CurrentWorkloadAccess().Bots.GetOrAdd(name, bot => AccessChecker.ForBot(bot, RolesOf(FindBot(bot)?.Roles ?? [])));

    public BotResource? FindBot(string name) => _bots.GetValueOrDefault(name);

    /// <summary>The bot credential whose hash is <paramref name="hash"/>, as far as this instance has seen.</summary>
    public BotCredentialRecord? FindBotCredential(string hash) => _botCredentials.GetValueOrDefault(hash);

    public IEnumerable<BotResource> Bots => _bots.Values.OrderBy(b => b.Metadata.Name, StringComparer.Ordinal);

    public IReadOnlyList<Role> RolesOf(IEnumerable<string> names) => [.. names.Select(FindRole).OfType<Role>()];

    public IEnumerable<AppEntry> Apps => _appsByHost.Values.OrderBy(a => a.Name, StringComparer.Ordinal);

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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = Revision;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync("/", after, stoppingToken).ConfigureAwait(false))
                {
                    after = change.Revision;
                    if (Apply(change))
                    {
                        Interlocked.Increment(ref _version);
                    }

                    Interlocked.Exchange(ref _revision, change.Revision);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (WatchCompactedException)
            {
                logger.StateWatchCompacted(after);
                await LoadAsync(stoppingToken).ConfigureAwait(false);
                after = Revision;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.StateWatchFailed(RetryDelay, e);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Applies one change; <c>true</c> when it changed something access depends on.</summary>
    private bool Apply(Change change)
    {
        var key = change.Key;
        var put = change.Kind == ChangeKind.Put;
        if (key.StartsWith(SessionKeys.AppPrefix, StringComparison.Ordinal) || key.StartsWith(SessionKeys.WebPrefix, StringComparison.Ordinal))
        {
            if (!put)
            {
                SessionRemoved?.Invoke(key);
            }

            return false;
        }

        if (key.StartsWith(BotCredentialRecord.Prefix, StringComparison.Ordinal))
        {
            var hash = key[BotCredentialRecord.Prefix.Length..];
            if (put && StoreJson.TryDeserialize<BotCredentialRecord>(change.Value) is { } credential)
            {
                _botCredentials[hash] = credential;
            }
            else
            {
                _botCredentials.TryRemove(hash, out _);
            }

            return false;
        }

        if (key.StartsWith(LockRecord.Prefix, StringComparison.Ordinal))
        {
            var target = key[LockRecord.Prefix.Length..];
            if (put && StoreJson.TryDeserialize<LockRecord>(change.Value) is { } record)
            {
                _locks[target] = record;
            }
            else
            {
                _locks.TryRemove(target, out _);
            }

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
            Resource? resource = null;
            if (put)
            {
                try
                {
                    resource = ResourceJson.Deserialize(kind, change.Value.Span);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or FormatException)
                {
                    logger.StoredResourceUnreadable(key, change.Revision, e);
                }
            }

            switch (resource)
            {
                case UserResource user:
                    _users[name] = new(user.User, change.Revision);
                    break;
                case RoleResource role:
                    _roles[name] = new(role.Role, change.Revision);
                    break;
                case WorkloadIdentityResource identity:
                    _workloadIdentities[name] = identity.Policy;
                    break;
                case BotResource bot:
                    _bots[name] = bot;
                    break;
                case null when kind == ResourceKinds.WorkloadIdentity:
                    _workloadIdentities.TryRemove(name, out _);
                    break;
                case null when kind == ResourceKinds.Bot:
                    _bots.TryRemove(name, out _);
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
                    _storedApps[name] = new AppEntry(app.App, change.Revision, fromConfig: false);
                    RebuildHosts();
                    break;
                case null when kind == "user":
                    _users.TryRemove(name, out _);
                    break;
                case null when kind == "role":
                    _roles.TryRemove(name, out _);
                    break;
                case null:
                    _storedApps.TryRemove(name, out _);
                    RebuildHosts();
                    break;
                default:
                    break;
            }

            return true;
        }

        return false;
    }

    private void RebuildHosts()
    {
        var byHost = new Dictionary<string, AppEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var app in _storedApps.Values.OrderBy(a => a.Revision))
        {
            if (!_configApps.ContainsKey(app.Name))
            {
                byHost[app.HostName] = app;
            }
        }

        foreach (var app in _configApps.Values)
        {
            byHost[app.HostName] = app;
        }

        _appsByHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The workload identities in order, and the bots' checkers, as of <see cref="Version"/> or later.</summary>
    private WorkloadAccess CurrentWorkloadAccess()
    {
        // The version is read before what is built from the state: what is cached under it is never older than it.
        var version = Version;
        var access = _workloadAccess;
        if (access.Version != version)
        {
            access = new WorkloadAccess(version, [.. _workloadIdentities.Values.OrderBy(w => w.Name, StringComparer.Ordinal)]);
            _workloadAccess = access;
        }

        return access;
    }

    private readonly record struct Versioned<T>(T Value, long Revision);

    private sealed record WorkloadAccess(long Version, WorkloadIdentityPolicy[] Identities)
    {
        public ConcurrentDictionary<string, AccessChecker> Bots { get; } = new(StringComparer.Ordinal);
    }
}
