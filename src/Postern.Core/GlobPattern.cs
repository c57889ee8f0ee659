using System.Text;
using System.Text.RegularExpressions;

namespace Postern;

/// <summary>
/// A glob as rules write them: <c>*</c> any run of characters, <c>?</c> one, everything else itself. Compiled
/// without backtracking, so a match takes time linear in the value whatever the glob (<c>*a*a*a*b</c> on a long run
/// of <c>a</c> included); the timeout stays as a bound, and callers treat it as a refusal.
/// </summary>
internal static class GlobPattern
{
    /// <summary>How long a match may take before it is given up.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A regular expression that matches exactly what <paramref name="glob"/> does, whole values only.</summary>
    public static Regex ToRegex(string glob) => ToRegex(glob, MatchTimeout);

    /// <summary>As <see cref="ToRegex(string)"/>, giving up a match after <paramref name="timeout"/>.</summary>
    public static Regex ToRegex(string glob, TimeSpan timeout)
    {
        var pattern = new StringBuilder("^");
        foreach (var ch in glob)
        {
            pattern.Append(ch switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(ch.ToString()),
            });
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking, timeout);
    }
}
