using Postern.Identity;
using Postern.Server.State;
using Postern.WorkloadIdentity;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Which workload identities a caller may have now: those the caller's roles grant (by labels, deny winning), whose rules
/// admit the caller's attributes and whose template renders a valid SPIFFE ID in <paramref name="TrustDomain"/>. The same
/// choice for JWT-SVIDs and X.509-SVIDs.
/// </summary>
internal readonly record struct WorkloadIdentityChoice(ClusterState Cluster, string TrustDomain)
{
    /// <summary>
    /// The identities, each SPIFFE ID once, in the order of the policies; only <paramref name="wanted"/> when it is given.
    /// When none is left, <paramref name="reasons"/> holds why each was refused (first, that <paramref name="wanted"/> may not be had).
    /// </summary>
    public List<(WorkloadIdentityPolicy Policy, string Id)> Choose(WorkloadCaller caller, AccessChecker checker, string? wanted, List<string> reasons)
    {
        var chosen = new List<(WorkloadIdentityPolicy Policy, string Id)>();
        foreach (var policy in Cluster.WorkloadIdentities)
        {
            var decision = checker.CheckWorkloadIdentity(policy.Name, policy.Labels);
            if (!decision.Allowed)
            {
                reasons.Add(decision.Reason);
                continue;
            }

            if (policy.Admits(caller) is { } refused)
            {
                reasons.Add(refused);
                continue;
            }

            if (policy.SpiffeId.Render(caller, out var renderError) is not { } path)
            {
                reasons.Add($"workload identity '{policy.Name}': {renderError}");
                continue;
            }

            var id = SpiffeId.Scheme + TrustDomain + path;
            if (SpiffeId.Check(id, out _, out _) is { } invalid)
            {
                reasons.Add($"workload identity '{policy.Name}': {invalid}");
                continue;
            }

            if ((wanted is null || wanted == id) && !chosen.Any(c => c.Id == id))
            {
                chosen.Add((policy, id));
            }
        }

        if (chosen.Count == 0)
        {
            if (wanted is not null)
            {
                reasons.Insert(0, $"{caller.Target} may not have '{wanted}'");
            }
            else if (reasons.Count == 0)
            {
                reasons.Add("no workload identity exists");
            }
        }

        return chosen;
    }
}
