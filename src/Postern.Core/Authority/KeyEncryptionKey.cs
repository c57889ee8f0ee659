using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>
/// The key-encryption key (KEK): 32 random bytes, kept outside the store, that seal the
/// authorities' private keys with AES-256-GCM. Its text form, in the file <c>data_dir/kek</c>
/// or the <c>POSTERN_KEK</c> environment variable, is <c>postern-kek-v1:&lt;base64url of the 32 bytes&gt;</c>
/// (see docs/key-encryption-key.md).
/// </summary>
public sealed class KeyEncryptionKey
{
    /// <summary>The prefix of the text form, naming the format's version.</summary>
    public const string FormatPrefix = "postern-kek-v1:";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private KeyEncryptionKey(byte[] key)
    {
        _key = key;
        Id = Base64UrlEncoder.Encode(HMACSHA256.HashData(key, "postern key-encryption key id"u8)[..12]);
    }

    /// <summary>
    /// A public fingerprint of the key (16 characters), stored beside every sealed key, so that a
    /// wrong key is named as such instead of failing as corrupt data. It reveals nothing of the key.
    /// </summary>
    public string Id { get; }

    /// <summary>A new random key.</summary>
    public static KeyEncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Parses the text form, or says what is wrong with it (never echoing the text).</summary>
    public static bool TryParse(string text, out KeyEncryptionKey? kek, out string reason)
    {
        kek = null;
        text = text.Trim();
        if (!text.StartsWith(FormatPrefix, StringComparison.Ordinal))
        {
            reason = $"does not start with '{FormatPrefix}'";
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(text[FormatPrefix.Length..]);
        }
        catch (FormatException)
        {
            reason = "is not base64url after the prefix";
            return false;
        }

        if (bytes.Length != KeySize)
        {
            reason = $"holds {bytes.Length} bytes instead of {KeySize}";
            return false;
        }

        kek = new KeyEncryptionKey(bytes);
        reason = "";
        return true;
    }

    /// <summary>The text form, for the key file.</summary>
    public string Format() => FormatPrefix + Base64UrlEncoder.Encode(_key);

    /// <summary>Encrypts and authenticates <paramref name="plaintext"/>, bound to <paramref name="context"/>.</summary>
    public SealedKey Seal(ReadOnlySpan<byte> plaintext, string context)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        nonce.CopyTo(sealedBytes, 0);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(context));
        return new SealedKey(Id, Base64UrlEncoder.Encode(sealedBytes));
    }

    /// <summary>Decrypts a sealed key; <c>null</c> when this is not the key that sealed it, or the data was altered.</summary>
    public byte[]? Open(SealedKey sealedKey, string context)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sealedKey.KekId), Encoding.ASCII.GetBytes(Id)))
        {
            return null;
        }

        byte[] data;
        try
        {
            data = Base64UrlEncoder.DecodeBytes(sealedKey.Ciphertext);
        }
        catch (FormatException)
        {
            return null;
        }

        if (data.Length < NonceSize + TagSize)
        {
            return null;
        }

        var plaintext = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, plaintext.Length), data.AsSpan(NonceSize + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return plaintext;
    }
}
