using System.Text;
using System.Text.RegularExpressions;

namespace Postern;

/// <summary>A glob as rules write them: <c>*</c> any run of characters, <c>?</c> one, everything else itself.</summary>
internal static class GlobPattern
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A regular expression that matches exactly what <paramref name="glob"/> does, whole values only.</summary>
    public static Regex ToRegex(string glob)
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

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeout);
    }
}
