using System.Runtime.CompilerServices;

namespace Postern.Storage.Sqlite;

/// <summary>
/// Follows the change log for one backend's watches: reads it page by page, then waits to be woken by a
/// write through the backend (<see cref="ChangeSignal"/>) or by the poll period, which is how writes made
/// by another process on the same file are seen.
/// </summary>
internal sealed class ChangeFeed(
    SqliteConnectionSource connections,
    ChangeSignal changed,
    TimeProvider time,
    TimeSpan pollInterval,
    CancellationToken disposing)
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
            var wake = changed.Next; // taken before reading: a write committed after the read completes it
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

    /// <summary>The next page, or <c>null</c> when cancelled.</summary>
    private async Task<WatchPage?> TryReadPageAsync(PrefixRange range, long after, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, typeof(SqliteBackend));
        var connection = await connections.RentReaderAsync(cancellationToken);
        try
        {
            return await ChangeLogReader.ReadPageAsync(connection, range, after, PageSize, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            connections.ReturnReader(connection);
        }
    }

    /// <summary>Waits for a write through this backend, the poll period or disposal; <c>false</c> when cancelled.</summary>
    private async Task<bool> WaitForChangeAsync(Task wake, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing);
        var poll = Task.Delay(pollInterval, time, stop.Token); // ends early on cancellation or disposal
        await Task.WhenAny(wake, poll);
        await stop.CancelAsync(); // drop the timer if the wake came first
        return !cancellationToken.IsCancellationRequested;
    }
}
