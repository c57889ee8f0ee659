namespace Postern.Authority;

/// <summary>The key-encryption key is missing, malformed, or not the one the store's keys were sealed with.</summary>
public sealed class KeyEncryptionKeyException(string message) : Exception(message);
