namespace Postern.WorkloadIdentity;

/// <summary>
/// A <c>workload_identity</c>: the SPIFFE ID it issues (a path template under the trust domain) and the rules
/// on the caller's attributes that admit a caller. Roles grant it by its labels; then the rules decide.
/// </summary>
public sealed record WorkloadIdentityPolicy
{
    /// <summary>The resource's name.</summary>
    public required string Name { get; init; }

    /// <summary>The resource's labels, which roles select on.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The SPIFFE ID path template.</summary>
    public required SpiffeIdTemplate SpiffeId { get; init; }

    /// <summary>An optional hint for workloads that receive several SVIDs (the Workload API's <c>hint</c>).</summary>
    public string? Hint { get; init; }

    /// <summary>DNS name templates (<c>spec.x509.dns_sans</c>) for the DNS SANs of its X.509-SVIDs, next to the SPIFFE ID's URI SAN.</summary>
    public IReadOnlyList<DnsNameTemplate> DnsSans { get; init; } = [];

    /// <summary>The kinds of caller it may go to (<c>spec.callers</c>); bots only unless it says otherwise.</summary>
    public WorkloadCallers Callers { get; init; } = WorkloadCallersText.Default;

    /// <summary>Rules, any of which admits a caller; none at all admits every caller of <see cref="Callers"/> a role grants this identity to.</summary>
    public IReadOnlyList<WorkloadRule> Rules { get; init; } = [];

    /// <summary><c>null</c> when <paramref name="caller"/> is admitted; otherwise why not.</summary>
    public string? Admits(WorkloadCaller caller)
    {
        if (!Callers.Includes(caller.Kind))
        {
            return $"workload identity '{Name}' is for {string.Join(" and ", Callers.Names())} only (spec.callers); {caller.Target} is a {(caller.Kind == WorkloadCallerKind.Bot ? "bot" : "user")}";
        }

        if (Rules.Count == 0)
        {
            return null;
        }

        var reasons = new List<string>(Rules.Count);
        foreach (var rule in Rules)
        {
            if (RuleRefusal.Of(rule, caller) is not { } reason)
            {
                return null;
            }

            reasons.Add(reason);
        }

        return $"no rule of workload identity '{Name}' admits {caller.Target}: {string.Join("; ", reasons)}";
    }
}

/// <summary>A rule: every condition must hold.</summary>
public sealed record WorkloadRule
{
    /// <summary>The conditions.</summary>
    public IReadOnlyList<WorkloadCondition> Conditions { get; init; } = [];
}
