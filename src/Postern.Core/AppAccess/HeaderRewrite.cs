using System.Text.RegularExpressions;
using Postern.Identity;

namespace Postern.AppAccess;

/// <summary>Parsing header rules, and the checks applied to the values they produce.</summary>
public static partial class HeaderRewrite
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Teleport-Jwt-Assertion", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
        "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Real-Ip", "Connection", "Keep-Alive", "Transfer-Encoding",
        "Content-Length", "Upgrade", "TE",
    };

    /// <summary>Parses <c>Name: value</c>; on failure <paramref name="error"/> says what is wrong and quotes the line.</summary>
    public static bool TryParse(string line, out HeaderRewriteRule? rule, out string? error)
    {
        rule = null;
        var colon = line.IndexOf(':');
        var name = colon > 0 ? line[..colon].Trim() : "";
        if (!Token().IsMatch(name))
        {
            error = $"'{line}' is not of the form 'Name: value'";
            return false;
        }

        if (Reserved.Contains(name) || name.StartsWith("X-Postern-", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{line}': the header '{name}' is reserved and may not be set by a rule";
            return false;
        }

        if (!TraitTemplate.TryParse(line[(colon + 1)..].Trim(), out var template, out var problem))
        {
            error = $"bad template in '{line}': {problem}";
            return false;
        }

        error = null;
        rule = new HeaderRewriteRule(name, template!);
        return true;
    }

    /// <summary>Whether <paramref name="value"/> may go into a header: no control character but tab.</summary>
    public static bool IsSafeValue(string value) => !value.Any(c => (c < 0x20 && c != '\t') || c == 0x7F);

    /// <summary>The values that are not empty and are safe, joined with <c>", "</c>; <c>null</c> when none is left.</summary>
    public static string? Join(IReadOnlyList<string> values)
    {
        var kept = values.Where(v => v.Length > 0 && IsSafeValue(v)).ToList();
        return kept.Count == 0 ? null : string.Join(", ", kept);
    }

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex Token();
}
