using System.Diagnostics.CodeAnalysis;

namespace Postern.Verification;

/// <summary>
/// A token split into its three compact JWS segments, <c>header.payload.signature</c>.
/// The segments are not yet checked as base64url.
/// </summary>
internal readonly struct CompactJws
{
    /// <summary>Tokens longer than this are refused unread (the bound IdentityModel uses too).</summary>
    public const int MaximumLength = 256 * 1024;

    private readonly string _token;
    private readonly int _firstDot;
    private readonly int _secondDot;

    private CompactJws(string token, int firstDot, int secondDot)
    {
        _token = token;
        _firstDot = firstDot;
        _secondDot = secondDot;
    }

    public ReadOnlySpan<char> Header => _token.AsSpan(0, _firstDot);

    public ReadOnlySpan<char> Payload => _token.AsSpan(_firstDot + 1, _secondDot - _firstDot - 1);

    public ReadOnlySpan<char> Signature => _token.AsSpan(_secondDot + 1);

    /// <summary>The bytes the signature covers: <c>header.payload</c>, as ASCII.</summary>
    public ReadOnlySpan<char> SigningInput => _token.AsSpan(0, _secondDot);

    public static bool TrySplit(string token, out CompactJws jws, [NotNullWhen(false)] out string? error)
    {
        jws = default;
        if (token.Length > MaximumLength)
        {
            error = $"The token is {token.Length} characters long; at most {MaximumLength} are read.";
            return false;
        }

        var segments = token.AsSpan().Count('.') + 1;
        if (segments != 3)
        {
            error = segments == 5
                ? "The token has five segments: an encrypted token (JWE) is not accepted; Postern signs (header.payload.signature)."
                : $"A token has three segments separated by dots (header.payload.signature); this one has {segments}.";
            return false;
        }

        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        jws = new CompactJws(token, firstDot, token.IndexOf('.', firstDot + 1));
        error = null;
        return true;
    }
}
