using Microsoft.AspNetCore.Http;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.Sessions;

/// <summary>The signed-in user behind a request on the web address, if any.</summary>
internal sealed record SignedIn(string Hash, WebSession Session, User User);

/// <summary>Reads the web session cookie and checks that its user still exists and is not locked.</summary>
internal sealed class WebSessionCookie(SessionStore sessions, ClusterState cluster, WebSettings settings)
{
    public async Task<SignedIn?> FindAsync(HttpContext context)
    {
        var found = await sessions.FindWebSessionAsync(context.Request.Cookies[settings.WebCookie], context.RequestAborted).ConfigureAwait(false);
        if (found is not { } session
            || !IdentityStanding.OfUser(cluster, session.Session.User).IsActive
            || cluster.FindUser(session.Session.User) is not { } user)
        {
            return null;
        }

        return new SignedIn(session.Hash, session.Session, user);
    }

    public void Set(HttpContext context, string token, WebSession session) =>
        context.Response.Cookies.Append(settings.WebCookie, token, settings.CookieOptions(session.Expires));

    public void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(settings.WebCookie, settings.CookieOptions(null));
}
