using System.Globalization;

namespace Postern.WorkloadIdentity;

/// <summary>What the agent attested of a process through the Unix socket it connected to.</summary>
/// <param name="Uid">The process's user id (SO_PEERCRED).</param>
/// <param name="Gid">The process's group id (SO_PEERCRED).</param>
/// <param name="Pid">The process id (SO_PEERCRED); recorded, not a good thing to write rules on.</param>
/// <param name="Exe">The executable's path from <c>/proc/&lt;pid&gt;/exe</c>; <c>null</c> when the agent could not read it.</param>
public sealed record UnixAttributes(long Uid, long Gid, long? Pid, string? Exe)
{
    /// <summary>The SHA-256 of the executable (lower-case hex), read by the agent through <c>/proc/&lt;pid&gt;/exe</c>; <c>null</c> when it could not.</summary>
    public string? ExeSha256 { get; init; }
}

/// <summary>
/// Who asks for a JWT-SVID, and the attributes policy sees: a user (name, traits) or a bot (name, the labels of
/// the join token it joined with), and, through an agent, the workload's Unix attributes.
/// </summary>
public sealed record WorkloadCaller
{
    /// <summary>The kind of caller.</summary>
    public required WorkloadCallerKind Kind { get; init; }

    /// <summary>The user's or the bot's name.</summary>
    public required string Name { get; init; }

    /// <summary>The user's traits (empty for a bot).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The labels of the join token the bot joined with (empty for a user).</summary>
    public IReadOnlyDictionary<string, string> JoinLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether the bot presents an agent's credential (its join token was an agent's): only then may a request carry
    /// attested workload attributes. Always <c>false</c> for a user.
    /// </summary>
    public bool Agent { get; init; }

    /// <summary>The workload's attested Unix attributes, when the request came through an agent.</summary>
    public UnixAttributes? Unix { get; init; }

    /// <summary>The client address the request came from, for audit events (<c>client_addr</c>); no rule may use it.</summary>
    public string? ClientAddr { get; init; }

    /// <summary>How the caller is named in audit events and locks: <c>user/alice</c>, <c>bot/ci</c>.</summary>
    public string Target => (Kind == WorkloadCallerKind.Bot ? "bot/" : "user/") + Name;

    /// <summary>
    /// The values of <paramref name="attribute"/> for this caller; <c>null</c> when the caller has no such
    /// attribute (rules then fail closed).
    /// </summary>
    public IReadOnlyList<string>? Lookup(string attribute)
    {
        switch (attribute)
        {
            case "workload.unix.uid":
                return Unix is null ? null : [Unix.Uid.ToString(CultureInfo.InvariantCulture)];
            case "workload.unix.gid":
                return Unix is null ? null : [Unix.Gid.ToString(CultureInfo.InvariantCulture)];
            case "workload.unix.pid":
                return Unix?.Pid is { } pid ? [pid.ToString(CultureInfo.InvariantCulture)] : null;
            case "workload.unix.exe":
                return Unix?.Exe is { } exe ? [exe] : null;
            case WorkloadAttributes.ExeSha256:
                return Unix?.ExeSha256 is { } sha256 ? [sha256] : null;
            case "bot.name":
                return Kind == WorkloadCallerKind.Bot ? [Name] : null;
            case "user.name":
                return Kind == WorkloadCallerKind.User ? [Name] : null;
            default:
                break;
        }

        if (attribute.StartsWith(WorkloadAttributes.UserTraitsPrefix, StringComparison.Ordinal))
        {
            return Kind == WorkloadCallerKind.User && Traits.TryGetValue(attribute[WorkloadAttributes.UserTraitsPrefix.Length..], out var values) ? values : null;
        }

        if (attribute.StartsWith(WorkloadAttributes.JoinLabelsPrefix, StringComparison.Ordinal))
        {
            return JoinLabels.TryGetValue(attribute[WorkloadAttributes.JoinLabelsPrefix.Length..], out var value) ? [value] : null;
        }

        return null;
    }
}

/// <summary>The kinds of caller that may be issued a JWT-SVID.</summary>
public enum WorkloadCallerKind
{
    /// <summary>A signed-in person.</summary>
    User,

    /// <summary>A machine identity that joined with a token (usually an agent).</summary>
    Bot,
}

/// <summary>The attribute names rules and templates may use.</summary>
public static class WorkloadAttributes
{
    /// <summary>Prefix of a user trait: <c>user.traits.team</c>.</summary>
    public const string UserTraitsPrefix = "user.traits.";

    /// <summary>Prefix of a join token label: <c>join.labels.env</c>.</summary>
    public const string JoinLabelsPrefix = "join.labels.";

    /// <summary>The SHA-256 of the workload's executable, for rules that pin a binary.</summary>
    public const string ExeSha256 = "workload.unix.exe_sha256";

    /// <summary>The attributes with fixed names.</summary>
    public static IReadOnlyList<string> Fixed { get; } =
        ["workload.unix.uid", "workload.unix.gid", "workload.unix.pid", "workload.unix.exe", ExeSha256, "bot.name", "user.name"];

    /// <summary>Is <paramref name="name"/> an attribute a rule or template may name?</summary>
    public static bool IsKnown(string name) =>
        Fixed.Contains(name)
        || (name.StartsWith(UserTraitsPrefix, StringComparison.Ordinal) && name.Length > UserTraitsPrefix.Length)
        || (name.StartsWith(JoinLabelsPrefix, StringComparison.Ordinal) && name.Length > JoinLabelsPrefix.Length);

    /// <summary>A message naming what may be used, for errors.</summary>
    public static string Expected => string.Join(", ", Fixed) + ", user.traits.<name>, join.labels.<name>";
}
