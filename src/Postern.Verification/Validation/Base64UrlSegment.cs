using System.Buffers;
using System.Buffers.Text;

namespace Postern.Verification;

/// <summary>
/// One segment of a compact JWS: strict base64url (RFC 7515: the URL-safe alphabet, no
/// padding, no whitespace) in its one canonical spelling: the bits of the last character that
/// no decoded byte uses are zero (RFC 4648 section 3.5).
/// </summary>
internal static class Base64UrlSegment
{
    private const string Characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly SearchValues<char> Alphabet = SearchValues.Create(Characters);

    /// <summary>
    /// Whether <paramref name="segment"/> decodes. A last character with unused bits set is refused
    /// (<c>e30</c> is <c>{}</c>; <c>e31</c>, the same bytes spelled another way, is not read): .NET's
    /// decoder throws on it (found by fuzzing), and a segment spelled several ways would make one token many.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> segment) =>
        !segment.ContainsAnyExcept(Alphabet) && (segment.Length % 4) switch
        {
            0 => true,
            1 => false,
            2 => (Characters.IndexOf(segment[^1], StringComparison.Ordinal) & 0b1111) == 0,
            _ => (Characters.IndexOf(segment[^1], StringComparison.Ordinal) & 0b11) == 0,
        };

    /// <summary>The decoded length of a segment that <see cref="IsValid"/> accepted.</summary>
    public static int DecodedLength(ReadOnlySpan<char> segment) => segment.Length * 3 / 4;

    /// <summary>Decodes a segment that <see cref="IsValid"/> accepted into <paramref name="destination"/>.</summary>
    public static int Decode(ReadOnlySpan<char> segment, Span<byte> destination) =>
        Base64Url.TryDecodeFromChars(segment, destination, out var written)
            ? written
            : throw new InvalidOperationException("The segment was checked as base64url before decoding.");

    public static byte[] Decode(ReadOnlySpan<char> segment)
    {
        var bytes = new byte[DecodedLength(segment)];
        Decode(segment, bytes);
        return bytes;
    }
}
