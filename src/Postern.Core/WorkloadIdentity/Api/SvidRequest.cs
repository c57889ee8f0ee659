using System.Diagnostics.CodeAnalysis;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// A JWT-SVID request read and checked (<see cref="TryParse"/>): audiences, optionally a lifetime and one SPIFFE ID of
/// those the caller may have, and the workload's attested Unix attributes when an agent asks.
/// </summary>
public sealed record SvidRequest(IReadOnlyList<string> Audiences, TimeSpan? Ttl, string? SpiffeId, UnixAttributes? Unix)
{
    /// <summary>The most audiences one SVID may carry.</summary>
    public const int MaxAudiences = 16;

    /// <summary>The longest audience, in characters.</summary>
    public const int MaxAudienceLength = 1024;

    private const string AudiencesRequired = "audiences: required, a list of strings";
    private const string AudienceNotString = "audiences: every audience must be a string";
    private const string WorkloadShape = "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}";
    private const string UidGidRequired = "workload.unix: uid and gid are required non-negative integers";

    /// <summary>
    /// Reads a <see cref="JwtSvidRequest"/> body from <paramref name="caller"/> and checks it against the limits and
    /// <paramref name="maxTtl"/> (<c>workload_identity.max_ttl</c>); on failure <paramref name="error"/> says what to change.
    /// Attested <c>workload</c> attributes are refused (<see cref="SvidRequestRefusalCode.NotAnAgent"/>) unless the caller
    /// is a bot whose credential is an agent's (<see cref="WorkloadCaller.Agent"/>): never ignored.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, WorkloadCaller caller, TimeSpan maxTtl, [NotNullWhen(true)] out SvidRequest? request, [NotNullWhen(false)] out SvidRequestRefusal? error)
    {
        request = null;
        error = null;
        if (!WorkloadApiJson.TryRead(json, WorkloadApiJsonContext.Default.JwtSvidRequest, ProblemAt, out var read, out var unreadable))
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadRequest, unreadable);
            return false;
        }

        if (Shape(read, out var ttl, out var unix) is { } badShape)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadRequest, badShape);
        }
        else if (unix is not null && NotAnAgent(caller) is { } notAnAgent)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.NotAnAgent, notAnAgent);
        }
        else if (Limits(read.Audiences, ttl, read.SpiffeId, maxTtl) is { } outOfBounds)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadRequest, outOfBounds);
        }

        if (error is not null)
        {
            return false;
        }

        request = new SvidRequest(read.Audiences, ttl, read.SpiffeId, unix);
        return true;
    }

    /// <summary>Why <paramref name="caller"/> may not present attested workload attributes; <c>null</c> for an agent.</summary>
    internal static string? NotAnAgent(WorkloadCaller caller) => caller switch
    {
        { Kind: WorkloadCallerKind.Bot, Agent: true } => null,
        { Kind: WorkloadCallerKind.Bot } =>
            $"workload: {caller.Target} joined as a script, not as an agent; only an agent's credential may present attested workload attributes (join the agent with a token from `postern bots token {caller.Name} --agent`)",
        _ => $"workload: {caller.Target} is a signed-in user; attested workload attributes come only from an agent's bot credential",
    };

    /// <summary>What is wrong with the shape of the body, once it is read: missing or unreadable members.</summary>
    private static string? Shape(JwtSvidRequest read, out TimeSpan? ttl, out UnixAttributes? unix)
    {
        ttl = null;
        unix = null;
        if (read.Audiences is null)
        {
            return AudiencesRequired;
        }

        if (read.Audiences.Any(a => a is null))
        {
            return AudienceNotString;
        }

        if (ReadTtl(read.Ttl, out ttl) is { } badTtl)
        {
            return badTtl;
        }

        return ReadWorkload(read.Workload, out unix);
    }

    /// <summary>Reads a lifetime such as <c>5m</c>; <c>null</c> when it reads, else what is wrong.</summary>
    internal static string? ReadTtl(string? text, out TimeSpan? ttl)
    {
        ttl = null;
        if (text is null)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var parsed, out var reason))
        {
            return $"ttl: {reason}";
        }

        ttl = parsed;
        return null;
    }

    /// <summary>Reads the attested workload attributes; <c>null</c> when they read (or are absent), else what is wrong.</summary>
    internal static string? ReadWorkload(WorkloadAttestation? workload, out UnixAttributes? unix)
    {
        unix = null;
        if (workload is null)
        {
            return null;
        }

        if (workload.Unix is not { } u)
        {
            return WorkloadShape;
        }

        if (u.Uid is not (>= 0 and var uid) || u.Gid is not (>= 0 and var gid))
        {
            return UidGidRequired;
        }

        unix = new UnixAttributes(uid, gid, u.Pid, u.Exe) { ExeSha256 = u.ExeSha256 };
        return null;
    }

    /// <summary>The message for a <c>workload</c> member that could not be read at <paramref name="path"/>.</summary>
    internal static string WorkloadProblemAt(string path) =>
        path.StartsWith("$.workload.unix.uid", StringComparison.Ordinal) || path.StartsWith("$.workload.unix.gid", StringComparison.Ordinal)
            ? UidGidRequired
            : WorkloadShape;

    /// <summary>What is out of bounds: the number, length and characters of audiences, the lifetime, the SPIFFE ID.</summary>
    private static string? Limits(IReadOnlyList<string> audiences, TimeSpan? ttl, string? spiffeId, TimeSpan maxTtl)
    {
        if (audiences.Count == 0)
        {
            return "audiences: at least one audience is required";
        }

        if (audiences.Count > MaxAudiences)
        {
            return $"audiences: at most {MaxAudiences} are allowed";
        }

        for (var i = 0; i < audiences.Count; i++)
        {
            var audience = audiences[i];
            if (string.IsNullOrWhiteSpace(audience))
            {
                return $"audiences[{i}]: an audience must not be empty";
            }

            if (audience.Length > MaxAudienceLength || audience.Any(char.IsControl))
            {
                return $"audiences[{i}]: longer than {MaxAudienceLength} characters or holds a control character";
            }
        }

        if (ttl is { } value)
        {
            if (value < TimeSpan.FromSeconds(1))
            {
                return $"ttl: '{Durations.Format(value)}' is too short (at least 1s)";
            }

            if (value > maxTtl)
            {
                return $"ttl: '{Durations.Format(value)}' is over the maximum of {Durations.Format(maxTtl)} (workload_identity.max_ttl)";
            }
        }

        return spiffeId is not null && WorkloadIdentity.SpiffeId.Check(spiffeId, out _, out _) is { } bad ? $"spiffe_id: {bad}" : null;
    }

    /// <summary>The message for a member whose value could not be read, by where the reader stopped.</summary>
    private static string ProblemAt(string path) => WorkloadApiJson.MemberOf(path) switch
    {
        "audiences" => path == "$.audiences" ? AudiencesRequired : AudienceNotString,
        "ttl" => "ttl: expected a duration such as \"5m\"",
        "spiffe_id" => "spiffe_id: expected a string",
        "workload" => WorkloadProblemAt(path),
        _ => WorkloadApiJson.NotAnObject,
    };
}
