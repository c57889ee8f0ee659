using System.Text;
using Postern.Authority;

namespace Postern.Identity;

/// <summary>
/// A user's TOTP secret sealed under the key-encryption key, with the same AES-256-GCM sealing as the
/// authorities' private keys. The user's name is the sealing's associated data, so a sealed secret
/// copied onto another user's record does not open.
/// </summary>
public static class SealedTotpSecret
{
    /// <summary>Seals the base32 <paramref name="secret"/> of <paramref name="user"/>.</summary>
    public static SealedKey Seal(KeyEncryptionKey kek, string user, string secret) => kek.Seal(Encoding.ASCII.GetBytes(secret), Context(user));

    /// <summary>The base32 secret; <c>null</c> when <paramref name="kek"/> did not seal it for <paramref name="user"/>, or it was altered.</summary>
    public static string? Open(KeyEncryptionKey kek, string user, SealedKey sealedSecret) =>
        kek.Open(sealedSecret, Context(user)) is { } plain ? Encoding.ASCII.GetString(plain) : null;

    /// <summary>The stored text form: <c>KEK-ID.CIPHERTEXT</c> (both base64url, so the dot is unambiguous).</summary>
    public static string Format(SealedKey sealedSecret) => sealedSecret.KekId + "." + sealedSecret.Ciphertext;

    /// <summary>Reads the stored text form; <c>null</c> when it is not one.</summary>
    public static SealedKey? Parse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < text.Length - 1 ? new SealedKey(text[..dot], text[(dot + 1)..]) : null;
    }

    private static string Context(string user) => "postern totp secret\0user/" + user;
}
