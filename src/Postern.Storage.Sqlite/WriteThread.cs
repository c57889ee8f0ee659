using System.Collections.Concurrent;

namespace Postern.Storage.Sqlite;

/// <summary>
/// The thread a backend's writes run on, one at a time, in the order they were asked for. Microsoft.Data.Sqlite's
/// async methods complete synchronously, so a write holds the thread it runs on for the whole of its time, the
/// commit's fsync included. On a thread-pool thread that is a core taken from request handling, which the pool
/// makes up for only slowly; on two cores under a load of audited issuances, 0.57–0.61× of the raw signing rate
/// against 0.62–0.66× with this thread (docs/performance.md). One thread of its own also serialises the writes,
/// as SQLite needs.
/// </summary>
internal sealed class WriteThread
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WriteThread(string name)
    {
        new Thread(Run) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread once the writes queued before it are done, and completes with its
    /// result, exception or cancellation. <paramref name="work"/> must not wait for another write.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The thread was stopped.</exception>
    public Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(() =>
            {
                try
                {
                    // Completes synchronously with SQLite; were it ever to go asynchronous, this thread waits for it.
                    done.TrySetResult(work().GetAwaiter().GetResult());
                }
                catch (OperationCanceledException e)
                {
                    done.TrySetCanceled(e.CancellationToken);
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteBackend), "the store is closed");
        }

        return done.Task;
    }

    /// <summary>Runs the writes already queued, refuses new ones, and completes when the thread has ended.</summary>
    public Task StopAsync()
    {
        _queue.CompleteAdding();
        return _stopped.Task;
    }

    private void Run()
    {
        foreach (var write in _queue.GetConsumingEnumerable())
            write();
        _stopped.TrySetResult();
    }
}
