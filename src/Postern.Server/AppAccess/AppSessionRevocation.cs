using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Server.Sessions;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>
/// Aborts the open requests of every app session that the cluster state no longer lets reach its app: a lock, the
/// user's removal, a role or app change that denies it, or the app's removal. It runs when this instance's state
/// applies the change, from its own admin API or from another instance through the store's watch. A session whose
/// record is deleted (sign-out, lock, removal) has its requests ended by <see cref="AppSessions"/> as well.
/// </summary>
internal sealed class AppSessionRevocation(ClusterState cluster, AppSessions appSessions, AppSessionAccess access, ILogger<AppSessionRevocation> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cluster.VersionMoved += Sweep;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cluster.VersionMoved -= Sweep;
        return Task.CompletedTask;
    }

    /// <summary>Checks every session with open requests against the state now.</summary>
    internal void Sweep()
    {
        foreach (var session in appSessions.All)
        {
            if (!session.Open.Any)
            {
                continue;
            }

            try
            {
                var reason = cluster.FindApp(session.App) is not { } app ? "the app no longer exists"
                    : access.Decide(session, app) is { Access.Allowed: true, UserRecord: not null } ? null
                    : session.LastDecision?.Access.Reason ?? "access was withdrawn";
                if (reason is not null && session.Open.AbortAll() is var aborted and > 0)
                {
                    logger.OpenRequestsAborted(session.App, session.User, SessionKeys.Reference(session.Hash), aborted, reason);
                }
            }
            catch (Exception e)
            {
                // Never into the state's watch: a failure here must not stop it from applying changes.
                logger.OpenRequestsCheckFailed(session.App, SessionKeys.Reference(session.Hash), e);
            }
        }
    }
}
