using System.Text.RegularExpressions;
using Postern.Configuration;
using Postern.Identity;

namespace Postern.AppAccess;

/// <summary>The roles and traits an app's assertion carries for a user, after the app's mode and filters.</summary>
public sealed record AssertionClaims(IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits)
{
    /// <summary>The trait <c>groups_filter</c> applies to.</summary>
    public const string GroupsTrait = "groups";

    /// <summary>
    /// What <paramref name="user"/>'s assertion for an app with <paramref name="rewrite"/> carries: <c>null</c> for a part
    /// the mode leaves out. A value whose filter runs out of time is left out (fail closed: the app sees less).
    /// </summary>
    public static AssertionClaims For(User user, AppRewriteConfig rewrite)
    {
        var mode = rewrite.JwtClaims;
        var filters = rewrite.ClaimFilters;
        var roles = mode is JwtClaimsMode.RolesAndTraits or JwtClaimsMode.Roles ? Keep(user.Roles, filters.RolesFilter) : null;
        if (mode is not (JwtClaimsMode.RolesAndTraits or JwtClaimsMode.Traits))
        {
            return new AssertionClaims(roles, null);
        }

        var source = user.AssertionTraits;
        if (filters.IsEmpty)
        {
            return new AssertionClaims(roles, source);
        }

        var traits = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in source)
        {
            if (filters.Traits is { } kept && !kept.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            traits[name] = name == GroupsTrait ? Keep(values, filters.GroupsFilter) : values;
        }

        return new AssertionClaims(roles, traits);
    }

    private static IReadOnlyList<string> Keep(IReadOnlyList<string> values, Regex? filter)
    {
        if (filter is null)
        {
            return values;
        }

        var kept = new List<string>(values.Count);
        foreach (var value in values)
        {
            try
            {
                if (filter.IsMatch(value))
                {
                    kept.Add(value);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Left out: a filter that cannot decide in time does not widen what the app receives.
            }
        }

        return kept;
    }
}
