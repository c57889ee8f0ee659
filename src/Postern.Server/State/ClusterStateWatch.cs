using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// Keeps the <see cref="ClusterState"/> equal to the store: follows the store's change feed from the revision the
/// state was loaded at, and loads everything again when the feed was compacted past it.
/// </summary>
internal sealed class ClusterStateWatch(ClusterState cluster, IBackend store, TimeProvider time, ILogger<ClusterState> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = cluster.Revision;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync("/", after, stoppingToken).ConfigureAwait(false))
                {
                    after = change.Revision;
                    cluster.Apply(change);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (WatchCompactedException)
            {
                logger.StateWatchCompacted(after);
                await cluster.LoadAsync(stoppingToken).ConfigureAwait(false);
                after = cluster.Revision;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.StateWatchFailed(RetryDelay, e);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
