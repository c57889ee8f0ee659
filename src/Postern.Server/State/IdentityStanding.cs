namespace Postern.Server.State;

/// <summary>
/// Whether a user or a bot may act now: it exists, and no lock on it is in force. The one place this is decided;
/// each caller words the refusal for its own audience.
/// </summary>
internal readonly record struct IdentityStanding(string Target, bool Exists, LockRecord? Lock)
{
    /// <summary>It exists and is not locked.</summary>
    public bool IsActive => Exists && Lock is null;

    public bool IsLocked => Lock is not null;

    /// <summary>The standing of the user <paramref name="name"/> in <paramref name="cluster"/> now.</summary>
    public static IdentityStanding OfUser(ClusterState cluster, string name) =>
        Of("user/" + name, cluster.FindUser(name) is not null, cluster);

    /// <summary>The standing of the bot <paramref name="name"/> in <paramref name="cluster"/> now.</summary>
    public static IdentityStanding OfBot(ClusterState cluster, string name) =>
        Of("bot/" + name, cluster.FindBot(name) is not null, cluster);

    private static IdentityStanding Of(string target, bool exists, ClusterState cluster) => new(target, exists, cluster.FindLock(target));
}
