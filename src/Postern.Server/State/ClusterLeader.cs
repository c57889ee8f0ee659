using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Storage;
using Postern.Storage.Postgres;

namespace Postern.Server.State;

/// <summary>
/// Chooses, among the instances sharing a store, the one that does the work that must happen once: the
/// automatic steps of key rotations and, on PostgreSQL, the sweep of expired items. It holds a lease in the
/// store and renews it every second; when it stops (or dies), another instance takes over within
/// <see cref="LeaseDuration"/>.
/// </summary>
internal sealed class ClusterLeader : BackgroundService
{
    /// <summary>How long the lease lasts without renewal.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(1);
    private readonly IBackend _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterLeader> _logger;

    public ClusterLeader(IBackend store, TimeProvider time, ILogger<ClusterLeader> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        Lease = new StoreLease(store, "singleton", $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}", LeaseDuration, time);
    }

    /// <summary>The lease this instance competes for.</summary>
    public StoreLease Lease { get; }

    /// <summary>Whether this instance does the once-only work now.</summary>
    public bool IsLeader => Lease.IsHeld;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wasLeader = false;
        using var timer = new PeriodicTimer(RenewEvery, _time);
        do
        {
            try
            {
                var leader = await Lease.TryAcquireAsync(stoppingToken).ConfigureAwait(false);
                if (leader != wasLeader)
                {
                    _logger.LeadershipChanged(Lease.Holder, leader);
                    wasLeader = leader;
                }

                if (leader && _store is PostgresBackend postgres)
                {
                    await postgres.SweepExpiredAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is unreachable: this instance cannot know whether it still holds the lease, and
                // Lease.IsHeld runs out by itself before another instance can take it.
                _logger.LeaseRenewalFailed(e.GetType().Name);
                wasLeader = wasLeader && Lease.IsHeld;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Hand over at once rather than after the lease runs out.
            await Lease.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LeaseRenewalFailed(e.GetType().Name);
        }
    }
}
