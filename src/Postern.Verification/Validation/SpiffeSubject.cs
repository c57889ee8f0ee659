using System.Buffers;
using System.Text;

namespace Postern.Verification;

/// <summary>
/// The subject rule of a JWT-SVID: a SPIFFE ID (<c>spiffe://</c>, a trust domain of lowercase
/// letters, digits, <c>.</c>, <c>-</c> and <c>_</c>, a path of non-empty segments of letters,
/// digits, <c>.</c>, <c>-</c> and <c>_</c>, none of them <c>.</c> or <c>..</c>; at most 2048
/// bytes) of the expected trust domain, naming a workload (the path is not empty).
/// </summary>
internal static class SpiffeSubject
{
    private const string Scheme = "spiffe://";
    private const int MaximumBytes = 2048;
    private const string Shape = "spiffe://<trust domain>/<path>";

    private static readonly SearchValues<char> TrustDomainAlphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789.-_");
    private static readonly SearchValues<char> SegmentAlphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_");

    public static bool IsTrustDomain(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExcept(TrustDomainAlphabet);

    /// <summary>Null when <paramref name="subject"/> is a workload's SPIFFE ID in <paramref name="trustDomain"/>; otherwise what is wrong.</summary>
    public static string? Problem(string subject, string trustDomain)
    {
        if (Encoding.UTF8.GetByteCount(subject) > MaximumBytes)
        {
            return $"The token's subject is not a SPIFFE ID: it is longer than {MaximumBytes} bytes.";
        }

        var rest = subject.StartsWith(Scheme, StringComparison.Ordinal) ? subject.AsSpan(Scheme.Length) : default;
        var slash = rest.IndexOf('/');
        var domain = slash < 0 ? rest : rest[..slash];
        if (!IsTrustDomain(domain))
        {
            return $"The token's subject {UntrustedText.Quote(subject)} is not a SPIFFE ID ({Shape}, the trust domain in lowercase letters, digits, '.', '-', '_').";
        }

        if (!domain.SequenceEqual(trustDomain))
        {
            return $"The token's subject belongs to trust domain {UntrustedText.Quote(domain.ToString())}, not {UntrustedText.Quote(trustDomain)}.";
        }

        if (slash < 0)
        {
            return $"The token's subject {UntrustedText.Quote(subject)} names a trust domain, not a workload: a JWT-SVID's SPIFFE ID has a path.";
        }

        var path = rest[(slash + 1)..];
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty || segment is "." or ".." || segment.ContainsAnyExcept(SegmentAlphabet))
            {
                return $"The token's subject {UntrustedText.Quote(subject)} is not a SPIFFE ID: every path segment is non-empty, not '.' or '..', and made of letters, digits, '.', '-', '_'.";
            }
        }

        return null;
    }
}
