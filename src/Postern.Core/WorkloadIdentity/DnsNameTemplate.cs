using System.Diagnostics.CodeAnalysis;

namespace Postern.WorkloadIdentity;

/// <summary>
/// A DNS name with attributes in it, e.g. <c>{{bot.name}}.svc.example.com</c> (<c>spec.x509.dns_sans</c>): the same
/// attributes as a SPIFFE ID template, checked when the resource is read; rendered for each caller, and the result
/// checked as a DNS name (<see cref="DnsName"/>).
/// </summary>
public sealed class DnsNameTemplate
{
    private readonly IReadOnlyList<(string Text, bool IsAttribute, bool IsPath)> _parts;

    private DnsNameTemplate(string text, IReadOnlyList<(string, bool, bool)> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Reads <paramref name="text"/>; on failure, <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DnsNameTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        if (!TemplateParts.TryParse(text, out var parts, out error))
        {
            return false;
        }

        if (parts.Any(p => p.IsPath))
        {
            error = $"'{text}': path() is for SPIFFE ID paths; a DNS name takes {{{{attribute}}}}";
            return false;
        }

        // Literal text is checked now by rendering every attribute as a harmless label.
        if (DnsName.Check(string.Concat(parts.Select(p => p.IsAttribute ? "x" : p.Text))) is { } bad)
        {
            error = $"'{text}': {bad}";
            return false;
        }

        template = new DnsNameTemplate(text, parts);
        return true;
    }

    /// <summary>The name for <paramref name="caller"/>; <c>null</c> with <paramref name="error"/> when an attribute is missing or several, or the result is not a DNS name.</summary>
    public string? Render(WorkloadCaller caller, out string? error)
    {
        var name = new System.Text.StringBuilder();
        foreach (var (text, isAttribute, _) in _parts)
        {
            if (!isAttribute)
            {
                name.Append(text);
            }
            else if (TemplateParts.Value(caller, Text, text, out error) is { } value)
            {
                name.Append(value);
            }
            else
            {
                return null;
            }
        }

        var rendered = name.ToString();
        if (DnsName.Check(rendered) is { } bad)
        {
            error = $"the DNS SAN template '{Text}' renders an invalid DNS name for {caller.Target}: {bad}";
            return null;
        }

        error = null;
        return rendered;
    }
}
