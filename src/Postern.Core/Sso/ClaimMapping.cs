using System.Text.RegularExpressions;

namespace Postern.Sso;

/// <summary>
/// One <c>claims_to_roles</c> entry: a user whose claim <see cref="Claim"/> has a value matching
/// <see cref="Value"/> (exactly, or as a glob with <c>*</c> and <c>?</c>) gets <see cref="Roles"/>.
/// </summary>
public sealed class ClaimMapping
{
    private Regex? _glob;

    /// <summary>The claim, e.g. <c>groups</c>.</summary>
    public required string Claim { get; init; }

    /// <summary>The value or glob, e.g. <c>admins</c> or <c>team-*</c>.</summary>
    public required string Value { get; init; }

    /// <summary>The roles given.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Whether any value of the claim in <paramref name="claims"/> matches.</summary>
    public bool Matches(IReadOnlyDictionary<string, IReadOnlyList<string>> claims)
    {
        if (!claims.TryGetValue(Claim, out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            var hit = Value.Contains('*', StringComparison.Ordinal) || Value.Contains('?', StringComparison.Ordinal)
                ? (_glob ??= GlobPattern.ToRegex(Value)).IsMatch(value)
                : string.Equals(value, Value, StringComparison.Ordinal);
            if (hit)
            {
                return true;
            }
        }

        return false;
    }
}
