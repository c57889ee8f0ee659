namespace Postern.Storage;

/// <summary>
/// Runs a sweep every period on the given clock until disposed. A failed sweep is retried at the next
/// tick: expired items are already invisible, so a late sweep only delays their delete changes.
/// </summary>
internal sealed class ExpirySweeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public ExpirySweeper(Func<CancellationToken, Task<int>> sweep, TimeSpan period, TimeProvider time)
    {
        // The timer is created here, not in the loop, so that it is on the clock before the caller
        // goes on (a test that moves a fake clock right after opening must see it tick).
        _timer = new PeriodicTimer(period, time);
        _loop = RunAsync(sweep, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _timer.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task<int>> sweep, CancellationToken stop)
    {
        await Task.Yield(); // never run a sweep on the opener's thread
        while (await _timer.WaitForNextTickAsync(CancellationToken.None))
        {
            try
            {
                await sweep(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the loop must outlive any one failed sweep (busy file, full disk); the next tick retries
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }
}
