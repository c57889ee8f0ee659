using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Postern.Storage.Sqlite;

namespace Postern.Storage.Postgres;

/// <summary>
/// Follows the change log for one backend's watches: reads it page by page, then waits to be woken by a
/// notification (<see cref="ChangeListener"/>), a write through this backend, or the poll period. A read that
/// fails for a passing reason (the server restarting, the network) is retried from the same revision, so a
/// watch outlives an outage and then delivers everything committed meanwhile.
/// </summary>
internal sealed class ChangeFeed(
    NpgsqlDataSource dataSource,
    ChangeSignal changed,
    TimeProvider time,
    TimeSpan pollInterval,
    ILogger logger,
    CancellationToken disposing)
{
    private const int PageSize = 256;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The changes under <paramref name="range"/> after <paramref name="after"/>, then new ones as they come.
    /// Cancellation completes the enumeration; disposal of the backend throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async IAsyncEnumerable<Change> FollowAsync(PrefixRange range, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = changed.Next; // taken before reading: a commit notified after the read completes it
            var page = await TryReadPageAsync(range, after, cancellationToken);
            if (page is null)
                yield break;

            foreach (var change in page.Changes)
            {
                if (cancellationToken.IsCancellationRequested)
                    yield break;
                yield return change;
            }

            after = page.ScannedThrough;
            if (!page.HasMore && !await WaitForChangeAsync(wake, cancellationToken))
                yield break;
        }
    }

    /// <summary>The next page, or <c>null</c> when cancelled; retries passing failures.</summary>
    private async Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (true)
        {
            ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, typeof(PostgresBackend));
            try
            {
                return await ChangeLogReader.ReadPageAsync(dataSource, range, after, PageSize, cancellationToken);
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

    /// <summary>Waits for a notification, the poll period or disposal; <c>false</c> when cancelled.</summary>
    private async Task<bool> WaitForChangeAsync(Task wake, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing);
        var poll = Task.Delay(pollInterval, time, stop.Token); // ends early on cancellation or disposal
        await Task.WhenAny(wake, poll);
        await stop.CancelAsync(); // drop the timer if the wake came first
        return !cancellationToken.IsCancellationRequested;
    }
}
