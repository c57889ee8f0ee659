using System.Text.RegularExpressions;

namespace Postern.Configuration;

/// <summary>
/// What an app's assertion keeps of a user's roles and traits (<c>rewrite.jwt_claims</c> as a mapping): the traits
/// named in <see cref="Traits"/>, the values of the <c>groups</c> trait that <see cref="GroupsFilter"/> matches and the
/// roles that <see cref="RolesFilter"/> matches. Each part left out keeps everything.
/// </summary>
public sealed record AssertionClaimFilters
{
    /// <summary>How long one filter may run on one value before the value is left out.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>No filter: the assertion carries every role and trait its mode allows.</summary>
    public static readonly AssertionClaimFilters None = new();

    /// <summary>The trait names kept (<c>traits</c>); <c>null</c> keeps them all.</summary>
    public IReadOnlyList<string>? Traits { get; init; }

    /// <summary>Values of the <c>groups</c> trait kept (<c>groups_filter</c>); <c>null</c> keeps them all.</summary>
    public Regex? GroupsFilter { get; init; }

    /// <summary>Roles kept (<c>roles_filter</c>); <c>null</c> keeps them all.</summary>
    public Regex? RolesFilter { get; init; }

    /// <summary>Whether any filter is set.</summary>
    public bool IsEmpty => Traits is null && GroupsFilter is null && RolesFilter is null;

    /// <summary>
    /// Compiles <paramref name="pattern"/> once, with <see cref="MatchTimeout"/>; on failure <paramref name="error"/>
    /// says what is wrong with it.
    /// </summary>
    public static Regex? TryCompile(string pattern, out string? error)
    {
        try
        {
            error = null;
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            error = $"'{pattern}' is not a valid regular expression: {e.Message}";
            return null;
        }
    }
}
