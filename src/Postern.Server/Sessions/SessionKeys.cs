using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Postern.Server.Sessions;

/// <summary>
/// Session tokens and where their records live. A token (32 random bytes, base64url) is only ever in
/// the client's cookie; the store keys a session by the token's SHA-256, so a copy of the store holds
/// no usable credential.
/// </summary>
internal static class SessionKeys
{
    public const string WebPrefix = "/sessions/web/";
    public const string AppPrefix = "/sessions/app/";
    public const string CodePrefix = "/sessions/codes/";
    public const string SignupPrefix = "/sessions/signup/";
    public const string ClientPrefix = "/sessions/client/";
    public const string ClientCodePrefix = "/sessions/client_codes/";
    public const string LoginAttemptsPrefix = "/login_attempts/";

    private const int TokenBytes = 32;
    private static readonly int TokenLength = Base64Url.GetEncodedLength(TokenBytes);

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>Whether <paramref name="token"/> has the shape of a token this server issues.</summary>
    public static bool IsWellFormed(string? token)
    {
        if (token is null || token.Length != TokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The store's name for <paramref name="token"/>: its SHA-256, base64url.</summary>
    public static string Hash(string token)
    {
        Span<byte> ascii = stackalloc byte[TokenLength];
        var written = Encoding.ASCII.GetBytes(token, ascii);
        return Base64Url.EncodeToString(SHA256.HashData(ascii[..written]));
    }

    /// <summary>
    /// A short, non-secret reference to a session for logs and audit events: the first 12 characters
    /// of the hash, enough to correlate events without being a credential.
    /// </summary>
    public static string Reference(string hash) => hash[..12];

    /// <summary>The <see cref="Reference"/> of the session that <paramref name="token"/> opens.</summary>
    public static string ReferenceOfToken(string token) => Reference(Hash(token));
}
