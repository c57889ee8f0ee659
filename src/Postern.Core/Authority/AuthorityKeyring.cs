using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>
/// A place outside the store that makes and keeps an authority's private keys (a PKCS#11 token): the
/// store then holds only the public key and a reference.
/// </summary>
public interface IKeyVault
{
    /// <summary>Makes a key pair for <paramref name="alg"/> inside the vault.</summary>
    AuthorityKey Generate(CertAuthorityType type, string alg, DateTimeOffset now);

    /// <summary>Whether <paramref name="key"/> lives in this vault.</summary>
    bool Holds(AuthorityKey key);

    /// <summary>Opens <paramref name="key"/> as a signing key whose <c>KeyId</c> is the <c>kid</c>.</summary>
    /// <exception cref="KeyEncryptionKeyException">The vault cannot open it; the message says why.</exception>
    AsymmetricSecurityKey Open(CertAuthorityType type, AuthorityKey key);
}

/// <summary>
/// Makes and opens the private keys of every authority: sealed under the key-encryption key in the store
/// (the default), or in the <see cref="IKeyVault"/> configured for an authority.
/// </summary>
/// <remarks>A new key of the <see cref="CertAuthorityType.X509"/> authority comes with its CA certificate, made by <see cref="X509CaCertificate"/> from <paramref name="x509Ca"/>.</remarks>
public sealed class AuthorityKeyring(KeyEncryptionKey kek, string kekOrigin, IReadOnlyDictionary<CertAuthorityType, IKeyVault>? vaults = null, X509CaProfile? x509Ca = null)
{
    /// <summary>The key-encryption key.</summary>
    public KeyEncryptionKey Kek { get; } = kek;

    /// <summary>Where the key-encryption key came from, for messages.</summary>
    public string KekOrigin { get; } = kekOrigin;

    /// <summary>The vault of <paramref name="type"/>, or <c>null</c> when its keys are sealed in the store.</summary>
    public IKeyVault? VaultOf(CertAuthorityType type) => vaults is not null && vaults.TryGetValue(type, out var vault) ? vault : null;

    /// <summary>Makes a new key for <paramref name="type"/> where its configuration says.</summary>
    public AuthorityKey Generate(CertAuthorityType type, string alg, DateTimeOffset now)
    {
        var key = VaultOf(type) is { } vault ? vault.Generate(type, alg, now) : AuthorityKeys.Generate(type, alg, Kek, now);
        if (type != CertAuthorityType.X509)
        {
            return key;
        }

        var profile = x509Ca ?? throw new InvalidOperationException("the X.509 authority's keys need a CA profile (trust domain and CA lifetime)");
        var opened = Open(type, key);
        try
        {
            return key with { Certificate = X509CaCertificate.Create(key, opened, profile, now) };
        }
        finally
        {
            (opened as ECDsaSecurityKey)?.ECDsa.Dispose();
            (opened as RsaSecurityKey)?.Rsa?.Dispose();
        }
    }

    /// <summary>Opens <paramref name="key"/> of <paramref name="type"/>.</summary>
    /// <exception cref="KeyEncryptionKeyException">It cannot be opened; the message says why.</exception>
    public AsymmetricSecurityKey Open(CertAuthorityType type, AuthorityKey key)
    {
        if (key.PrivateKey is null)
        {
            return VaultOf(type) is { } vault && vault.Holds(key)
                ? vault.Open(type, key)
                : throw new KeyEncryptionKeyException(
                    $"the {type.Name()} authority's key {key.Kid} lives in the hardware token '{key.Pkcs11?.TokenLabel}', "
                    + $"but authorities.{type.Name()}.keys.pkcs11 does not name that token");
        }

        return AuthorityKeys.Open(type, key, Kek) ?? throw new KeyEncryptionKeyException(DescribeMismatch(type, key, key.PrivateKey));
    }

    private string DescribeMismatch(CertAuthorityType type, AuthorityKey key, SealedKey sealedKey) =>
        sealedKey.KekId == Kek.Id
            ? $"the {type.Name()} authority's key {key.Kid} could not be decrypted with the key-encryption key from {KekOrigin} (id {Kek.Id}): the stored key is damaged"
            : $"the key-encryption key from {KekOrigin} (id {Kek.Id}) is not the one that sealed the {type.Name()} authority's keys (id {sealedKey.KekId}); "
              + "restore the original key file or POSTERN_KEK. Postern will not make new keys, since every verifier trusts the current ones";
}
