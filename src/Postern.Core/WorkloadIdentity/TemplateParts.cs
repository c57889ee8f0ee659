using System.Diagnostics.CodeAnalysis;

namespace Postern.WorkloadIdentity;

/// <summary>
/// Splits a template into literal text and attributes (<c>{{attribute}}</c>, or <c>{{path(attribute)}}</c> when
/// <c>IsPath</c>), checking that each attribute is known and stable; shared by SPIFFE ID and DNS name templates.
/// </summary>
internal static class TemplateParts
{
    /// <summary>The parts of <paramref name="text"/>; on failure, <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IReadOnlyList<(string Text, bool IsAttribute, bool IsPath)>? parts, [NotNullWhen(false)] out string? error)
    {
        var list = new List<(string, bool, bool)>();
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf("{{", at, StringComparison.Ordinal);
            var close = text.IndexOf("}}", at, StringComparison.Ordinal);
            if (open < 0)
            {
                if (close >= 0)
                {
                    error = $"'{text}': '}}}}' without '{{{{'";
                    parts = null;
                    return false;
                }

                list.Add((text[at..], false, false));
                break;
            }

            if (open > at)
            {
                list.Add((text[at..open], false, false));
            }

            close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var nextOpen = text.IndexOf("{{", open + 2, StringComparison.Ordinal);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
            {
                error = $"'{text}': '{{{{' without a matching '}}}}'";
                parts = null;
                return false;
            }

            var name = text[(open + 2)..close].Trim();
            var isPath = false;
            if (name.IndexOf('(', StringComparison.Ordinal) is var paren and >= 0)
            {
                if (name[..paren].Trim() is not "path" and var function)
                {
                    error = $"'{text}': unknown function '{function}' (expected path(<attribute>))";
                    parts = null;
                    return false;
                }

                if (name[^1] != ')')
                {
                    error = $"'{text}': 'path(' without a closing ')'";
                    parts = null;
                    return false;
                }

                name = name[(paren + 1)..^1].Trim();
                isPath = true;
            }

            if (!WorkloadAttributes.IsKnown(name))
            {
                error = $"'{text}': unknown attribute '{name}' (expected one of {WorkloadAttributes.Expected})";
                parts = null;
                return false;
            }

            if (UnstableAttributes.Refusal(name) is { } unstable)
            {
                error = $"'{text}': {unstable}";
                parts = null;
                return false;
            }

            list.Add((name, true, isPath));
            at = close + 2;
        }


        parts = list;
        error = null;
        return true;
    }

    /// <summary>The one value of <paramref name="attribute"/> that <paramref name="template"/> needs from <paramref name="caller"/>; <c>null</c> with <paramref name="error"/> when it has none or several.</summary>
    public static string? Value(WorkloadCaller caller, string template, string attribute, out string? error)
    {
        var values = caller.Lookup(attribute);
        if (values is null || values.Count == 0)
        {
            error = $"the template '{template}' needs '{attribute}', which {caller.Target} does not have";
            return null;
        }

        if (values.Count > 1)
        {
            error = $"the template '{template}' needs one value of '{attribute}'; {caller.Target} has {values.Count}";
            return null;
        }

        error = null;
        return values[0];
    }
}
