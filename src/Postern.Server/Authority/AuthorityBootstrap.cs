using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Server.Storage;
using Postern.Storage;

namespace Postern.Server.Authority;

/// <summary>
/// Brings up the store and both authorities in an order that can never lose a key: the
/// key-encryption key is checked against the stored authorities through a read-only handle
/// first, and only then is the store opened for writing and missing authorities created.
/// </summary>
internal sealed class AuthorityBootstrap(StoreLocation location, KeyEncryptionKeySource kekSource, TimeProvider time, ILogger logger)
{
    public async Task<(IBackend Store, KeyEncryptionKey Kek, CertAuthorities Authorities)> RunAsync(CancellationToken cancellationToken)
    {
        var kek = kekSource.Load();
        await location.InspectExistingAsync(
            existing => new CertAuthorityStore(existing, time).VerifyKeyEncryptionKeyAsync(kek, kekSource.Origin, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        if (kek is null)
        {
            kek = kekSource.Create();
            logger.KeyEncryptionKeyCreated(kekSource.FilePath);
        }

        var store = await location.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var authorities = new CertAuthorities();
            var authorityStore = new CertAuthorityStore(store, time);
            foreach (var type in CertAuthorityTypes.All)
            {
                var authority = await authorityStore.EnsureAsync(type, SigningAlgorithm.RS256, kek, kekSource.Origin, cancellationToken).ConfigureAwait(false);
                authorities.Set(authority);
                logger.AuthorityLoaded(type.Name(), authority.SigningKid, authority.SigningCredentials.Algorithm, authority.Document.Keys.Count);
            }

            return (store, kek, authorities);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
