using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Postern.Server.Sessions;

/// <summary>
/// The proof that binds the code of <c>postern login --sso</c> to the command that asked for it, as PKCE's <c>S256</c>
/// method does (RFC 7636): the command keeps a random verifier and sends only its challenge, the SHA-256 of the verifier's
/// ASCII, base64url without padding; the code redeems only with the verifier.
/// </summary>
internal static class ClientLoginChallenge
{
    /// <summary>The length of a challenge: 32 bytes, base64url.</summary>
    public const int Length = 43;

    /// <summary>The challenge of <paramref name="verifier"/>.</summary>
    public static string Of(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Whether <paramref name="challenge"/> has the shape of a challenge: 43 base64url characters.</summary>
    public static bool IsWellFormed(string? challenge) =>
        challenge is { Length: Length } && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="verifier"/> is the one of <paramref name="challenge"/>, compared in constant time.</summary>
    public static bool Matches(string challenge, string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(char.IsAscii)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(verifier)), Encoding.ASCII.GetBytes(challenge));
}
