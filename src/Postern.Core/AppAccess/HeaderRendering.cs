using System.Globalization;

namespace Postern.AppAccess;

/// <summary>
/// Renders a header rule for one user so that a trait value cannot change the header's shape: a value holding a
/// list, parameter or quoting separator (<c>,</c> <c>;</c> <c>"</c>) or a control character is refused, since it
/// would add a list item (<c>X-Webauth-User: alice, admin</c>) or a cookie pair (<c>Cookie: user=a; role=admin</c>).
/// A multi-valued trait becomes one header line, its values in the trait's order joined with <c>", "</c>.
/// </summary>
public static class HeaderRendering
{
    /// <summary>What joins the values of a multi-valued trait.</summary>
    public const string ValueSeparator = ", ";

    /// <summary>Expands <paramref name="rule"/> and keeps the values whose trait part holds no separator.</summary>
    public static RenderedHeader Render(
        HeaderRewriteRule rule,
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits,
        string? jwt)
    {
        var template = rule.Value;
        var kept = new List<string>();
        var refusals = new List<string>();
        foreach (var value in template.Expand(internalTraits, externalTraits, jwt))
        {
            // The literal text around the expression is the administrator's; only the part a trait filled in is checked.
            var filled = template.IsLiteral ? "" : value[template.Prefix.Length..^template.Suffix.Length];
            if (Refusal(filled) is { } reason)
            {
                refusals.Add(reason);
            }
            else if (HeaderRewrite.IsSafeValue(value))
            {
                kept.Add(value);
            }
            else
            {
                refusals.Add("the rule's literal text holds a control character");
            }
        }

        return new RenderedHeader(kept.Count == 0 ? null : string.Join(ValueSeparator, kept), refusals);
    }

    /// <summary>Why <paramref name="traitValue"/> may not go into a templated header, or <c>null</c> when it may.</summary>
    public static string? Refusal(string traitValue)
    {
        foreach (var c in traitValue)
        {
            switch (c)
            {
                case ',':
                    return "the value holds ',', which would add an item to the header's list";
                case ';':
                    return "the value holds ';', which would add a parameter or a cookie pair";
                case '"':
                    return "the value holds '\"', which would open or close a quoted string";
                case var _ when char.IsControl(c):
                    return string.Create(CultureInfo.InvariantCulture, $"the value holds the control character U+{(int)c:X4}");
            }
        }

        return null;
    }
}
