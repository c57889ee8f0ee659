using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Server.Authority;

/// <summary>
/// Keeps <see cref="CertAuthorities"/> equal to the store: a watch on <c>/authorities/</c> re-opens an
/// authority whenever another instance or a rotation changes it.
/// </summary>
internal sealed class AuthorityFollower(
    IBackend store, CertAuthorities authorities, AuthorityKeyring keyring, TimeProvider time, ILogger<AuthorityFollower> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = MinRevision();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync(CertAuthorityTypes.StorePrefix, after, stoppingToken).ConfigureAwait(false))
                {
                    after = change.Revision;
                    if (change.Kind == ChangeKind.Put && TypeOf(change.Key) is { } type)
                    {
                        Apply(type, change.Value, change.Revision);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (WatchCompactedException e)
            {
                logger.AuthorityWatchCompacted(after);
                after = e.CurrentRevision;
                await ReloadAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.AuthorityWatchFailed(RetryDelay, e);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private long MinRevision() => CertAuthorityTypes.All.Min(t => authorities.Get(t).Revision);

    private async Task ReloadAllAsync(CancellationToken cancellationToken)
    {
        foreach (var type in CertAuthorityTypes.All)
        {
            if (await store.GetAsync(type.StoreKey(), cancellationToken).ConfigureAwait(false) is { } item)
            {
                Apply(type, item.Value, item.Revision);
            }
        }
    }

    private void Apply(CertAuthorityType type, ReadOnlyMemory<byte> json, long revision)
    {
        // A step this instance took is in use already (AuthorityRotator sets it): no need to open its keys again.
        if (authorities.Get(type).Revision >= revision)
        {
            return;
        }

        try
        {
            authorities.Set(CertAuthority.Open(type, AuthorityJson.Deserialize(json, type), revision, keyring));
        }
        catch (Exception e) when (e is KeyEncryptionKeyException or InvalidDataException)
        {
            logger.AuthorityReloadFailed(type.Name(), revision, e);
        }
    }

    private static CertAuthorityType? TypeOf(string key) =>
        CertAuthorityTypes.All.Select(t => (CertAuthorityType?)t).FirstOrDefault(t => t!.Value.StoreKey() == key);
}
