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
        if (!TemplateParts.TryParse(text, out var parts, out error))
        {
            return false;
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

            if (TemplateParts.Value(caller, Text, text, out error) is not { } value)
            {
                return null;
            }

            if (SpliceCheck.Check(text, value, isPath) is { } unsafeValue)
            {
                error = $"the template '{Text}' renders an invalid SPIFFE ID for {caller.Target}: {unsafeValue}";
                return null;
            }

            path.Append(value);
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
