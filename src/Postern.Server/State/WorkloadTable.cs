using System.Collections.Concurrent;
using Postern.Identity;
using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Server.State;

/// <summary>
/// The workload identities and bots, with what is built from them once per state version rather than per JWT-SVID
/// request: the identities in order, and each bot's access checker.
/// </summary>
internal sealed class WorkloadTable
{
    private readonly ConcurrentDictionary<string, WorkloadIdentityPolicy> _identities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BotResource> _bots = new(StringComparer.Ordinal);
    private volatile Built _built = new(-1, []);

    public IEnumerable<BotResource> Bots => _bots.Values.OrderBy(b => b.Metadata.Name, StringComparer.Ordinal);

    public void Clear()
    {
        _identities.Clear();
        _bots.Clear();
    }

    public void PutIdentity(string name, WorkloadIdentityPolicy policy) => _identities[name] = policy;

    public void RemoveIdentity(string name) => _identities.TryRemove(name, out _);

    public void PutBot(string name, BotResource bot) => _bots[name] = bot;

    public void RemoveBot(string name) => _bots.TryRemove(name, out _);

    public BotResource? FindBot(string name) => _bots.GetValueOrDefault(name);

    /// <summary>Every workload identity, by name, as of <paramref name="version"/> (read before anything is built from the state) or later.</summary>
    public IReadOnlyList<WorkloadIdentityPolicy> Identities(long version) => Current(version).Identities;

    /// <summary>What the bot named <paramref name="name"/> may do with the roles <paramref name="rolesOf"/> finds for it now.</summary>
    public AccessChecker BotAccess(long version, string name, Func<IEnumerable<string>, IReadOnlyList<Role>> rolesOf) =>
        Current(version).Bots.GetOrAdd(name, bot => AccessChecker.ForBot(bot, rolesOf(FindBot(bot)?.Roles ?? [])));

    private Built Current(long version)
    {
        // The version is read by the caller before what is built from the state: what is cached under it is never older than it.
        var built = _built;
        if (built.Version != version)
        {
            built = new Built(version, [.. _identities.Values.OrderBy(w => w.Name, StringComparer.Ordinal)]);
            _built = built;
        }

        return built;
    }

    private sealed record Built(long Version, WorkloadIdentityPolicy[] Identities)
    {
        public ConcurrentDictionary<string, AccessChecker> Bots { get; } = new(StringComparer.Ordinal);
    }
}
