namespace Postern.WorkloadIdentity;

/// <summary>
/// SPIFFE IDs as the SPIFFE ID specification defines them: <c>spiffe://</c>, a trust domain of lowercase
/// letters, digits, <c>.</c>, <c>-</c> and <c>_</c>, then a path of segments of letters, digits, <c>.</c>,
/// <c>-</c> and <c>_</c>; no empty segment, no <c>.</c> or <c>..</c> segment, no trailing slash, no port,
/// user info, query or fragment; at most 2048 bytes in all.
/// </summary>
public static class SpiffeId
{
    /// <summary>The scheme and its separator.</summary>
    public const string Scheme = "spiffe://";

    /// <summary>The longest SPIFFE ID, in bytes.</summary>
    public const int MaxLength = 2048;

    /// <summary>The trust domain's ID: <c>spiffe://</c> + <paramref name="trustDomain"/>, the key of its bundle.</summary>
    public static string OfTrustDomain(string trustDomain) => Scheme + trustDomain;

    /// <summary><c>null</c> when <paramref name="trustDomain"/> is a valid trust domain name; otherwise why not.</summary>
    public static string? CheckTrustDomain(string trustDomain)
    {
        if (trustDomain.Length == 0)
        {
            return "the trust domain is empty";
        }

        foreach (var ch in trustDomain)
        {
            if (!(ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
            {
                return $"the trust domain '{trustDomain}' holds '{Printable(ch)}' (allowed: lowercase letters, digits, '.', '-', '_')";
            }
        }

        return null;
    }

    /// <summary><c>null</c> when <paramref name="path"/> is a valid SPIFFE ID path (empty, or <c>/segment</c>…); otherwise why not.</summary>
    public static string? CheckPath(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        if (path[0] != '/')
        {
            return $"the path '{path}' does not start with '/'";
        }

        var start = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                var ch = path[i];
                if (!(ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_'))
                {
                    return $"the path '{path}' holds '{Printable(ch)}' (allowed in a segment: letters, digits, '.', '-', '_')";
                }

                continue;
            }

            var segment = path.AsSpan(start, i - start);
            if (segment.Length == 0)
            {
                return i == path.Length ? $"the path '{path}' ends with '/'" : $"the path '{path}' has an empty segment";
            }

            if (segment is "." or "..")
            {
                return $"the path '{path}' has a '{segment}' segment";
            }

            start = i + 1;
        }

        return null;
    }

    /// <summary>
    /// Checks <paramref name="id"/> as a whole; on success gives its trust domain and path. Returns <c>null</c>
    /// when valid, otherwise why not.
    /// </summary>
    public static string? Check(string id, out string trustDomain, out string path)
    {
        trustDomain = "";
        path = "";
        if (System.Text.Encoding.UTF8.GetByteCount(id) > MaxLength)
        {
            return $"the SPIFFE ID is longer than {MaxLength} bytes";
        }

        if (!id.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return $"'{Shorten(id)}' does not start with '{Scheme}'";
        }

        var rest = id.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        var domain = (slash < 0 ? rest : rest[..slash]).ToString();
        var tail = slash < 0 ? "" : rest[slash..].ToString();
        if (CheckTrustDomain(domain) is { } badDomain)
        {
            return badDomain;
        }

        if (CheckPath(tail) is { } badPath)
        {
            return badPath;
        }

        trustDomain = domain;
        path = tail;
        return null;
    }

    /// <summary>Is <paramref name="id"/> a valid SPIFFE ID?</summary>
    public static bool IsValid(string id) => Check(id, out _, out _) is null;

    private static string Printable(char ch) => char.IsControl(ch) || char.IsWhiteSpace(ch) ? $"\\u{(int)ch:x4}" : ch.ToString();

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
