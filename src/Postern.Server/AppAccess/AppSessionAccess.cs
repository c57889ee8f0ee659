using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>
/// Whether an app session may reach its app now: its user exists, is not locked, and its roles open the app. Made
/// for each request and for the open requests of every session when the cluster state moves; recomputed only when
/// anything in the state moved. The first denial after an allow is audited.
/// </summary>
internal sealed class AppSessionAccess(ClusterState cluster, AuditLog audit, ILogger<AppSessionAccess> logger)
{
    public AppSessionState.Decision Decide(AppSessionState session, AppEntry app)
    {
        var version = cluster.Version;
        var last = session.LastDecision;
        if (last is not null && last.Version == version && last.AppRevision == app.Revision)
        {
            return last;
        }

        AppSessionState.Decision decision;
        var standing = IdentityStanding.OfUser(cluster, session.User);
        var user = cluster.FindUser(session.User);
        if (user is null || !standing.Exists)
        {
            decision = new(version, new AccessDecision(false, "the user no longer exists"), null, 0, app.Revision);
        }
        else if (standing.IsLocked)
        {
            decision = new(version, new AccessDecision(false, "the user is locked"), null, 0, app.Revision);
        }
        else
        {
            var access = AccessChecker.Create(user, cluster.RolesOf(user)).CheckApp(app.Name, app.Config.Labels);
            decision = new(version, access, user, cluster.UserRevision(user.Name), app.Revision);
        }

        if (!decision.Access.Allowed && (last is null || last.Access.Allowed))
        {
            _ = AuditDeniedAsync(session.User, session.ClientAddr, app.Name, decision.Access.Reason, SessionKeys.Reference(session.Hash));
        }

        session.LastDecision = decision;
        return decision;
    }

    private async Task AuditDeniedAsync(string user, string? clientAddr, string app, string reason, string? session)
    {
        try
        {
            await audit.AppendAsync(AuditEventTypes.AppAccessDenied, AuditActor.User(user, clientAddr).Stamp(new JsonObject
            {
                ["user"] = user,
                ["app"] = app,
                ["reason"] = reason,
                ["session"] = session,
            }), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.AuditFailed(AuditEventTypes.AppAccessDenied, e);
        }
    }
}
