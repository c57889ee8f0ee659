namespace Postern.Authority;

/// <summary>
/// Where the key-encryption key comes from: the <c>POSTERN_KEK</c> environment variable when set,
/// else the file <c>data_dir/kek</c> (mode 0600). It is created only on a first start, never to
/// replace one that the store's authorities need.
/// </summary>
public sealed class KeyEncryptionKeySource(string dataDir, Func<string, string?> environment)
{
    /// <summary>The environment variable that may hold the key's text form.</summary>
    public const string EnvironmentVariable = "POSTERN_KEK";

    /// <summary>The key file's path.</summary>
    public string FilePath { get; } = Path.Combine(dataDir, "kek");

    /// <summary>Where the key is read from, for messages.</summary>
    public string Origin => environment(EnvironmentVariable) is { Length: > 0 } ? $"${EnvironmentVariable}" : FilePath;

    /// <summary>The key, or <c>null</c> when there is none yet.</summary>
    /// <exception cref="KeyEncryptionKeyException">The key is present but unreadable or malformed.</exception>
    public KeyEncryptionKey? Load()
    {
        string text;
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            text = fromEnvironment;
        }
        else if (File.Exists(FilePath))
        {
            try
            {
                text = File.ReadAllText(FilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KeyEncryptionKeyException($"cannot read the key-encryption key {FilePath}: {e.Message}");
            }
        }
        else
        {
            return null;
        }

        return KeyEncryptionKey.TryParse(text, out var kek, out var reason)
            ? kek
            : throw new KeyEncryptionKeyException($"the key-encryption key in {Origin} {reason} (expected '{KeyEncryptionKey.FormatPrefix}' and 43 base64url characters; see docs/key-encryption-key.md)");
    }

    /// <summary>Makes a new key and writes it to <see cref="FilePath"/> with mode 0600, durably.</summary>
    public KeyEncryptionKey Create()
    {
        var kek = KeyEncryptionKey.Generate();
        PrivateFile.Write(FilePath, kek.Format() + "\n", overwrite: false);
        return kek;
    }
}
