using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.Storage;
using Postern.Storage;

namespace Postern.Server.Authority;

/// <summary>
/// Brings up the store and both authorities in an order that can never lose a key: the
/// key-encryption key is checked against the stored authorities through a read-only handle
/// first, and only then is the store opened for writing and missing authorities created.
/// </summary>
internal sealed class AuthorityBootstrap(
    StoreLocation location,
    KeyEncryptionKeySource kekSource,
    AuthoritiesConfig config,
    IReadOnlyDictionary<CertAuthorityType, IKeyVault> vaults,
    X509CaProfile x509Ca,
    TimeProvider time,
    ILogger logger)
{
    public async Task<(IBackend Store, AuthorityKeyring Keyring, CertAuthorities Authorities)> RunAsync(CancellationToken cancellationToken)
    {
        var kek = kekSource.Load();
        await location.InspectExistingAsync(
            existing => new CertAuthorityStore(existing, time).VerifyKeyEncryptionKeyAsync(kek, kekSource.Origin, k => new AuthorityKeyring(k, kekSource.Origin, vaults, x509Ca), cancellationToken),
            cancellationToken).ConfigureAwait(false);

        if (kek is null)
        {
            kek = kekSource.Create();
            logger.KeyEncryptionKeyCreated(kekSource.FilePath);
        }

        var keyring = new AuthorityKeyring(kek, kekSource.Origin, vaults, x509Ca);
        var store = await location.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var authorities = new CertAuthorities();
            var authorityStore = new CertAuthorityStore(store, time);
            foreach (var type in CertAuthorityTypes.All)
            {
                var authority = await authorityStore.EnsureAsync(type, config.For(type).Algorithm, keyring, cancellationToken).ConfigureAwait(false);
                authorities.Set(authority);
                logger.AuthorityLoaded(type.Name(), authority.SigningKid, authority.SigningCredentials.Algorithm, authority.Document.Keys.Count);
            }

            return (store, keyring, authorities);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
