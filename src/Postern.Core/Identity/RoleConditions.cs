namespace Postern.Identity;

/// <summary>One side (allow or deny) of a role.</summary>
public sealed record RoleConditions
{
    /// <summary>Apps whose labels match: label → values, <c>*</c> for any; values may be trait templates.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AppLabels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Logins, which may be trait templates such as <c>{{internal.logins}}</c>.</summary>
    public IReadOnlyList<string> Logins { get; init; } = [];

    /// <summary>What may be done to stored resources.</summary>
    public IReadOnlyList<ResourceRule> Rules { get; init; } = [];

    /// <summary>Workload identities whose labels match, as for apps.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> WorkloadIdentityLabels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
