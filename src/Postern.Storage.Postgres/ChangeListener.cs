using Microsoft.Extensions.Logging;
using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>
/// Holds one connection that <c>LISTEN</c>s on the store's channel and wakes this backend's watches at every
/// notification, i.e. at every commit by any instance. The payload (the revision) is not trusted for content:
/// a watch woken re-reads the change log from the last revision it saw, so a notification lost or merged
/// costs nothing. When the connection drops, it reconnects with a growing pause, and once listening again
/// wakes every watch, which then reads whatever was committed while nobody listened.
/// </summary>
internal sealed class ChangeListener : IAsyncDisposable
{
    /// <summary>The channel every write notifies at commit.</summary>
    public const string Channel = "postern_changes";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ChangeSignal _changed;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="dataSource">Where to listen: a data source of its own (not pooled), as the connection is held for good.</param>
    /// <param name="changed">What to wake.</param>
    /// <param name="logger">Where to report a lost connection.</param>
    public ChangeListener(NpgsqlDataSource dataSource, ChangeSignal changed, ILogger logger)
    {
        _dataSource = dataSource;
        _changed = changed;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        var lost = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, _) => _changed.Notify();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stop);

                if (lost)
                    _logger.NotificationConnectionRestored();
                lost = false;
                retry = FirstRetry;
                _changed.Notify(); // whatever committed before LISTEN took effect is read now
                while (true)
                    await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the listener must outlive any failure of its connection; it reconnects
            catch (Exception e)
            {
                _logger.NotificationConnectionLost(retry, e);
                lost = true;
            }
#pragma warning restore CA1031

            try
            {
                await Task.Delay(retry, stop); // real time, whatever clock the store uses: this is about the network
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }
}
