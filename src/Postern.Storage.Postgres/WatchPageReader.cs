using Microsoft.Extensions.Logging;
using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>
/// Reads the change log's pages for the backend's watches (<see cref="ChangeFeed"/>). A read that fails for a passing
/// reason (the server restarting, the network) is retried from the same revision, so a watch outlives an outage and
/// then delivers everything committed meanwhile.
/// </summary>
internal sealed class WatchPageReader(NpgsqlDataSource dataSource, ILogger logger, CancellationToken disposing)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>The next page, or <c>null</c> when cancelled; retries passing failures.</summary>
    public async Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, int limit, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (true)
        {
            ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, typeof(PostgresBackend));
            try
            {
                return await ChangeLogReader.ReadPageAsync(dataSource, range, after, limit, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (NpgsqlException e) when (e.IsTransient && !disposing.IsCancellationRequested)
            {
                logger.WatchReadFailed(retry, e);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing);
            try
            {
                await Task.Delay(retry, stop.Token); // real time: this waits for the network, not for the store's clock
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                // disposed: thrown as ObjectDisposedException at the top
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }
}
