using Postern.AppAccess;

namespace Postern.Configuration;

/// <summary>An app's <c>rewrite</c> section.</summary>
public sealed record AppRewriteConfig
{
    /// <summary>Header rules, each <c>Name: value</c> with at most one <c>{{ expr }}</c>.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>The header rules, parsed from <see cref="Headers"/>.</summary>
    public IReadOnlyList<HeaderRewriteRule> HeaderRules { get; init; } = [];

    /// <summary>What the assertion carries.</summary>
    public JwtClaimsMode JwtClaims { get; init; } = JwtClaimsMode.RolesAndTraits;

    /// <summary>The traits, groups and roles the assertion keeps (<c>jwt_claims</c> as a mapping).</summary>
    public AssertionClaimFilters ClaimFilters { get; init; } = AssertionClaimFilters.None;

    /// <summary>Hosts whose <c>Location</c> headers are rewritten to the app's public address.</summary>
    public IReadOnlyList<string> Redirect { get; init; } = [];
}
