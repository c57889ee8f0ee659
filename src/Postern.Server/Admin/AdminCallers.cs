using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary>
/// Finds the caller of an admin request from its <c>Authorization: Bearer</c> token only: the local admin token, or a
/// client credential of <c>postern login</c> whose web session still lives and whose user still exists and is not
/// locked (<see cref="IdentityStanding"/>, as for the web session). Cookies are never read, so a page on another site
/// that makes a browser send its Postern cookie cannot call the admin API.
/// </summary>
internal sealed class AdminCallers(AdminCredential local, SessionStore sessions, ClusterState cluster)
{
    private const string ItemKey = "postern.admin.caller";

    public async Task<AdminCaller?> FindAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var token = header["Bearer ".Length..];
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (local.Matches(token))
        {
            return new AdminCaller(AuditActor.LocalAdmin(address), null, [], null, null);
        }

        if (await sessions.FindClientCredentialAsync(token, context.RequestAborted).ConfigureAwait(false) is not { } found
            || !IdentityStanding.OfUser(cluster, found.Credential.User).IsActive
            || cluster.FindUser(found.Credential.User) is not { } user)
        {
            return null;
        }

        return new AdminCaller(AuditActor.User(user.Name, address), AccessChecker.Create(user, cluster.RolesOf(user)), user.Roles, found.Credential.Expires, found.Hash);
    }

    /// <summary>Keeps the caller for the endpoint.</summary>
    public static void Remember(HttpContext context, AdminCaller caller) => context.Items[ItemKey] = caller;

    /// <summary>The caller the admin filter found for this request.</summary>
    public static AdminCaller Of(HttpContext context) =>
        context.Items[ItemKey] as AdminCaller ?? throw new InvalidOperationException("an admin endpoint ran without the admin filter");
}
