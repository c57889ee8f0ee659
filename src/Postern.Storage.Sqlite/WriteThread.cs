using System.Threading.Channels;

namespace Postern.Storage.Sqlite;

/// <summary>
/// The thread a backend's writes run on, one at a time, in the order they were asked for. Microsoft.Data.Sqlite's
/// async methods complete synchronously, so a write holds the thread it runs on for the whole of its time, the
/// commit's fsync included. On a thread-pool thread that is a core taken from request handling, which the pool
/// makes up for only slowly; on two cores under a load of audited issuances, 0.57–0.61× of the raw signing rate
/// against 0.62–0.66× with this thread (docs/performance.md). One thread of its own also serialises the writes,
/// as SQLite needs. It waits for work without spinning (<see cref="BlockingRead"/>).
/// </summary>
internal sealed class WriteThread
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
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
        var queued = _queue.Writer.TryWrite(() =>
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
        if (!queued)
            throw new ObjectDisposedException(nameof(SqliteBackend), "the store is closed");

        return done.Task;
    }

    /// <summary>Runs the writes already queued, refuses new ones, and completes when the thread has ended.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _stopped.Task;
    }

    private void Run()
    {
        while (BlockingRead.WaitToRead(_queue.Reader))
        {
            while (_queue.Reader.TryRead(out var write))
                write();
        }

        _stopped.TrySetResult();
    }
}
