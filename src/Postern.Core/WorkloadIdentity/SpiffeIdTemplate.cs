using System.Diagnostics.CodeAnalysis;

namespace Postern.WorkloadIdentity;

/// <summary>
/// The path of a SPIFFE ID with attributes in it, e.g. <c>/svc/{{workload.unix.uid}}</c> or
/// <c>/ns/{{user.traits.team}}/{{bot.name}}</c>. Checked when the resource is read (syntax, known attributes,
/// literal text); rendered for each caller, and the result checked again as a SPIFFE ID path. Each value fills one
/// segment, or, marked <c>{{path(attribute)}}</c>, segments (see <see cref="SpliceCheck"/>).
/// </summary>
public sealed class SpiffeIdTemplate
{
    private readonly IReadOnlyList<(string Text, bool IsAttribute, bool IsPath)> _parts;

    private SpiffeIdTemplate(string text, IReadOnlyList<(string, bool, bool)> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Reads <paramref name="text"/>; on failure, <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SpiffeIdTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        var parts = new List<(string, bool, bool)>();
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
                    return false;
                }

                parts.Add((text[at..], false, false));
                break;
            }

            if (open > at)
            {
                parts.Add((text[at..open], false, false));
            }

            close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var nextOpen = text.IndexOf("{{", open + 2, StringComparison.Ordinal);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
            {
                error = $"'{text}': '{{{{' without a matching '}}}}'";
                return false;
            }

            var name = text[(open + 2)..close].Trim();
            var isPath = false;
            if (name.IndexOf('(', StringComparison.Ordinal) is var paren and >= 0)
            {
                if (name[..paren].Trim() is not "path" and var function)
                {
                    error = $"'{text}': unknown function '{function}' (expected path(<attribute>))";
                    return false;
                }

                if (name[^1] != ')')
                {
                    error = $"'{text}': 'path(' without a closing ')'";
                    return false;
                }

                name = name[(paren + 1)..^1].Trim();
                isPath = true;
            }

            if (!WorkloadAttributes.IsKnown(name))
            {
                error = $"'{text}': unknown attribute '{name}' (expected one of {WorkloadAttributes.Expected})";
                return false;
            }

            if (UnstableAttributes.Refusal(name) is { } unstable)
            {
                error = $"'{text}': {unstable}";
                return false;
            }

            parts.Add((name, true, isPath));
            at = close + 2;
        }

        // Literal text is checked now by rendering every attribute as a harmless segment.
        var sample = string.Concat(parts.Select(p => p.Item2 ? "x" : p.Item1));
        if (sample.Length == 0 || sample[0] != '/')
        {
            error = $"'{text}': a SPIFFE ID path starts with '/'";
            return false;
        }

        if (SpiffeId.CheckPath(sample) is { } bad)
        {
            error = $"'{text}': {bad.Replace($"the path '{sample}'", "the path", StringComparison.Ordinal)}";
            return false;
        }

        template = new SpiffeIdTemplate(text, parts);
        error = null;
        return true;
    }

    /// <summary>
    /// The path for <paramref name="caller"/>; <c>null</c> with <paramref name="error"/> when an attribute is missing
    /// or has more than one value, or when the result is not a valid SPIFFE ID path.
    /// </summary>
    public string? Render(WorkloadCaller caller, out string? error)
    {
        var path = new System.Text.StringBuilder();
        foreach (var (text, isAttribute, isPath) in _parts)
        {
            if (!isAttribute)
            {
                path.Append(text);
                continue;
            }

            var values = caller.Lookup(text);
            if (values is null || values.Count == 0)
            {
                error = $"the template '{Text}' needs '{text}', which {caller.Target} does not have";
                return null;
            }

            if (values.Count > 1)
            {
                error = $"the template '{Text}' needs one value of '{text}'; {caller.Target} has {values.Count}";
                return null;
            }

            if (SpliceCheck.Check(text, values[0], isPath) is { } unsafeValue)
            {
                error = $"the template '{Text}' renders an invalid SPIFFE ID for {caller.Target}: {unsafeValue}";
                return null;
            }

            path.Append(values[0]);
        }

        var rendered = path.ToString();
        if (SpiffeId.CheckPath(rendered) is { } bad)
        {
            error = $"the template '{Text}' renders an invalid SPIFFE ID for {caller.Target}: {bad}";
            return null;
        }

        error = null;
        return rendered;
    }
}
