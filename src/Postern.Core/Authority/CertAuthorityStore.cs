using Postern.Storage;

namespace Postern.Authority;

/// <summary>Reads authorities from the store, and creates them on a first start.</summary>
public sealed class CertAuthorityStore(IBackend backend, TimeProvider time)
{
    /// <summary>The stored document and its revision, or <c>null</c> when the authority does not exist yet.</summary>
    public async Task<(CertAuthorityDocument Document, long Revision)?> ReadAsync(CertAuthorityType type, CancellationToken cancellationToken)
    {
        var item = await backend.GetAsync(type.StoreKey(), cancellationToken).ConfigureAwait(false);
        return item is null ? null : (AuthorityJson.Deserialize(item.Value, type), item.Revision);
    }

    /// <summary>
    /// Checks, reading only, that <paramref name="kek"/> opens every key of every stored authority.
    /// Returns whether any authority is stored.
    /// </summary>
    /// <exception cref="KeyEncryptionKeyException">An authority is stored but <paramref name="kek"/> is missing or wrong.</exception>
    public async Task<bool> VerifyKeyEncryptionKeyAsync(KeyEncryptionKey? kek, string kekOrigin, Func<KeyEncryptionKey, AuthorityKeyring> keyring, CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var type in CertAuthorityTypes.All)
        {
            if (await ReadAsync(type, cancellationToken).ConfigureAwait(false) is not var (document, revision))
            {
                continue;
            }

            any = true;
            if (kek is null)
            {
                // With every key in a hardware token, the key-encryption key still seals the store's other secrets.
                var sealedWith = document.Keys.FirstOrDefault(k => k.PrivateKey is not null)?.PrivateKey!.KekId is { } id
                    ? $", sealed with key-encryption key id {id},"
                    : " (its keys in a hardware token; the key-encryption key seals the store's other secrets)";
                throw new KeyEncryptionKeyException(
                    $"the store holds the {type.Name()} authority{sealedWith} "
                    + $"but there is no key-encryption key at {kekOrigin}. Restore that file or set POSTERN_KEK; "
                    + "Postern will not make new keys, since every verifier trusts the current ones");
            }

            _ = CertAuthority.Open(type, document, revision, keyring(kek));
        }

        return any;
    }

    /// <summary>
    /// The authority of <paramref name="type"/>, created with a new <paramref name="alg"/> key when the
    /// store has none. Creation is a conditional write, so that instances starting together agree on one.
    /// </summary>
    public async Task<CertAuthority> EnsureAsync(CertAuthorityType type, string alg, AuthorityKeyring keyring, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await ReadAsync(type, cancellationToken).ConfigureAwait(false) is var (document, revision))
            {
                return CertAuthority.Open(type, document, revision, keyring);
            }

            var key = keyring.Generate(type, alg, time.GetUtcNow());
            var created = new CertAuthorityDocument { Type = type.Name(), SigningKid = key.Kid, Keys = [key] };
            var result = await backend.CompareAndSwapAsync(type.StoreKey(), Revision.Absent, AuthorityJson.Serialize(created), null, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return CertAuthority.Open(type, created, result.Revision, keyring);
            }

            // Another instance created it first: use theirs.
        }
    }
}
