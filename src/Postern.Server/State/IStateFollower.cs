using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// A part's own in-memory view of some store keys (bots' credentials, app sessions), kept current by the cluster
/// state's watch beside what the state holds itself, so that the state need not know the part's records. A change
/// under these keys does not move <see cref="ClusterState.Version"/>.
/// </summary>
internal interface IStateFollower
{
    /// <summary>The key prefixes followed.</summary>
    IReadOnlyList<string> Prefixes { get; }

    /// <summary>Whether a (re)load reads every key under <see cref="Prefixes"/>; when not, only later changes are seen.</summary>
    bool ReadsAtLoad { get; }

    /// <summary>
    /// Before a (re)load: forgets everything; one that does not read at load drops, at least, whatever the changes
    /// it may have missed have ended.
    /// </summary>
    void Clear();

    /// <summary>Applies one change to a key under one of <see cref="Prefixes"/>.</summary>
    void Apply(Change change);
}
