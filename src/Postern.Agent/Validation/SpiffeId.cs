using System.Diagnostics.CodeAnalysis;

namespace Postern.Agent.Validation;

/// <summary>A workload's SPIFFE ID, <c>spiffe://&lt;trust domain&gt;/&lt;path&gt;</c>, parsed by the SPIFFE ID rules.</summary>
internal sealed record SpiffeId(string TrustDomain, string Path)
{
    private const string Scheme = "spiffe://";

    public override string ToString() => Scheme + TrustDomain + Path;

    /// <summary>
    /// Parses a workload SPIFFE ID: lower-case trust domain of letters, digits, '.', '-' and '_'; a path of
    /// one or more non-empty segments of letters, digits, '.', '-' and '_', none of them "." or "..".
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SpiffeId? id, out string reason)
    {
        id = null;
        if (string.IsNullOrEmpty(text) || !text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            reason = "a SPIFFE ID starts with spiffe://";
            return false;
        }

        var rest = text.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.IsEmpty || trustDomain.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789.-_"))
        {
            reason = "the trust domain must be non-empty and hold only lower-case letters, digits, '.', '-' and '_'";
            return false;
        }

        if (slash < 0 || slash == rest.Length - 1)
        {
            reason = "a workload's SPIFFE ID has a path after the trust domain";
            return false;
        }

        var path = rest[slash..];
        foreach (var range in path[1..].Split('/'))
        {
            var segment = path[1..][range];
            if (segment.IsEmpty || segment is "." or ".."
                || segment.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"))
            {
                reason = "every path segment must be non-empty, not '.' or '..', and hold only letters, digits, '.', '-' and '_'";
                return false;
            }
        }

        id = new SpiffeId(trustDomain.ToString(), path.ToString());
        reason = "";
        return true;
    }
}
