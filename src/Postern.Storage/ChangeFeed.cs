using System.Runtime.CompilerServices;

namespace Postern.Storage;

/// <summary>
/// Follows the change log for one backend's watches: reads it page by page, then waits to be woken by
/// <paramref name="changed"/> (a write through the backend, or whatever else the backend listens to) or by the
/// poll period, which is how writes made elsewhere are seen even when no wake comes.
/// </summary>
/// <param name="tryReadPage">
/// Reads the next page of at most the given number of changes under the range after the given revision; <c>null</c>
/// when cancelled. Throws <see cref="ObjectDisposedException"/> once the backend is disposed.
/// </param>
internal sealed class ChangeFeed(
    Func<PrefixRange, long, int, CancellationToken, Task<WatchPage?>> tryReadPage,
    ChangeSignal changed,
    TimeProvider time,
    TimeSpan pollInterval,
    CancellationToken disposing,
    StoreMetrics? metrics = null)
{
    private const int PageSize = 256;

    /// <summary>
    /// The changes under <paramref name="range"/> after <paramref name="after"/>, then new ones as they come.
    /// Cancellation completes the enumeration; disposal of the backend throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async IAsyncEnumerable<Change> FollowAsync(PrefixRange range, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = changed.Next; // taken before reading: a write committed (or notified) after the read completes it
            var page = await tryReadPage(range, after, PageSize, cancellationToken);
            if (page is null)
                yield break;
            metrics?.WatchRead(page.Behind);

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

    /// <summary>Waits for a wake, the poll period or disposal; <c>false</c> when cancelled.</summary>
    private async Task<bool> WaitForChangeAsync(Task wake, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing);
        var poll = Task.Delay(pollInterval, time, stop.Token); // ends early on cancellation or disposal
        await Task.WhenAny(wake, poll);
        await stop.CancelAsync(); // drop the timer if the wake came first
        return !cancellationToken.IsCancellationRequested;
    }
}
