using System.Buffers;
using System.Buffers.Text;

namespace Postern.Verification;

/// <summary>
/// One segment of a compact JWS: strict base64url (RFC 7515: the URL-safe alphabet, no
/// padding, no whitespace).
/// </summary>
internal static class Base64UrlSegment
{
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static bool IsValid(ReadOnlySpan<char> segment) =>
        !segment.ContainsAnyExcept(Alphabet) && segment.Length % 4 != 1;

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
