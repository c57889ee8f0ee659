using System.Threading.Channels;

namespace Postern;

/// <summary>
/// Waiting on a channel from a thread of one's own (the audit journal's, the SQLite writer's), blocking in the kernel
/// at once. The waits the runtime offers a thread (<c>Task.Wait</c>, <c>SemaphoreSlim</c>, so
/// <c>BlockingCollection</c>) spin and call <c>sched_yield</c> first, which suits a core that would sit idle. Here the
/// cores are busy signing: every yield hands one to a request mid-signature and back, and an RS256 profile counted
/// some 3,000 a second from these two threads alone.
/// </summary>
public static class BlockingRead
{
    /// <summary>
    /// Blocks until <paramref name="reader"/> has an item (<c>true</c>) or is completed with none left (<c>false</c>);
    /// throws what completed it with an error.
    /// </summary>
    public static bool WaitToRead<T>(ChannelReader<T> reader)
    {
        var ready = reader.WaitToReadAsync();
        if (ready.IsCompleted)
            return ready.GetAwaiter().GetResult();
        var task = ready.AsTask();
        try
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            task.Dispose(); // completed by now: releases the wait handle at once, not through the finalizer
        }
    }
}
