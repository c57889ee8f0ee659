namespace Postern.Authority;

/// <summary>A private key encrypted under a <see cref="KeyEncryptionKey"/>.</summary>
/// <param name="KekId">The <see cref="KeyEncryptionKey.Id"/> of the key that sealed it.</param>
/// <param name="Ciphertext">base64url of nonce, ciphertext and tag (AES-256-GCM).</param>
public sealed record SealedKey(string KekId, string Ciphertext);
