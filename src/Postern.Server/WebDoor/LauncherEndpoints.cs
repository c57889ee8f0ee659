using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.WebDoor;

/// <summary>
/// The app launcher (<c>/web/</c>) and the launch step of the app sign-in (<c>/web/launch/NAME</c>),
/// which checks the web session and the access rules and sends the browser back to the app's host with
/// a one-time code.
/// </summary>
internal static class LauncherEndpoints
{
    public static void MapLauncher(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/web/"));
        app.MapGet("/web/", ShowLauncherAsync);
        app.MapGet("/web/launch/{name}", LaunchAsync);
    }

    private static async Task ShowLauncherAsync(HttpContext context, WebSessionCookie cookie, ClusterState cluster, WebSettings settings, IAntiforgery antiforgery)
    {
        if (await cookie.FindAsync(context).ConfigureAwait(false) is not { } signedIn)
        {
            context.Response.Redirect("/web/login?redirect=%2Fweb%2F");
            return;
        }

        var checker = AccessChecker.Create(signedIn.User, cluster.RolesOf(signedIn.User));
        var list = new StringBuilder();
        var port = context.Request.Host.Port ?? settings.PublicAddr.Uri.Port;
        foreach (var app in cluster.Apps)
        {
            if (checker.CheckApp(app.Name, app.Config.Labels).Allowed)
            {
                var url = app.PublicOrigin(settings.PublicAddr.Uri.Scheme, port) + "/";
                list.Append("<li><a class=\"app\" data-app=\"").Append(Pages.Encode(app.Name)).Append("\" href=\"").Append(Pages.Encode(url)).Append("\">")
                    .Append(Pages.Encode(app.Name)).Append(" <span class=\"muted\">").Append(Pages.Encode(app.Config.PublicAddr)).Append("</span></a></li>");
            }
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        var body = $"""
            <h1>Applications</h1>
            <p>Signed in as <strong id="user">{Pages.Encode(signedIn.User.Name)}</strong></p>
            {(list.Length == 0 ? "<p class=\"muted\">No application is open to you yet.</p>" : $"<ul class=\"apps\">{list}</ul>")}
            <form method="post" action="/web/logout">
              <input type="hidden" name="{Pages.Encode(tokens.FormFieldName)}" value="{Pages.Encode(tokens.RequestToken)}">
              <button type="submit">Sign out</button>
            </form>
            """;
        await Pages.WriteAsync(context, StatusCodes.Status200OK, "Applications", body).ConfigureAwait(false);
    }

    private static async Task LaunchAsync(string name, HttpContext context, WebSessionCookie cookie, ClusterState cluster, SessionStore sessions, AuditLog audit, WebSettings settings, TimeProvider time)
    {
        var path = context.Request.Query["path"].ToString();
        var stateHash = context.Request.Query["state"].ToString();
        if (cluster.FindApp(name) is not { } app || stateHash.Length is 0 or > 64 || !LocalPath.IsSafe(path))
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "This link does not name an application, or is incomplete.", "Applications", "/web/").ConfigureAwait(false);
            return;
        }

        if (await cookie.FindAsync(context).ConfigureAwait(false) is not { } signedIn)
        {
            var here = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect("/web/login?redirect=" + Uri.EscapeDataString(here.ToString()));
            return;
        }

        var access = AccessChecker.Create(signedIn.User, cluster.RolesOf(signedIn.User)).CheckApp(app.Name, app.Config.Labels);
        if (!access.Allowed)
        {
            await audit.AppendAsync(AuditEventTypes.AppAccessDenied, AuditActor.User(signedIn.User.Name, context.Connection.RemoteIpAddress?.ToString()).Stamp(new JsonObject
            {
                ["user"] = signedIn.User.Name,
                ["app"] = app.Name,
                ["reason"] = access.Reason,
            }), context.RequestAborted).ConfigureAwait(false);
            await Pages.WriteProblemAsync(context, StatusCodes.Status403Forbidden, $"You are not allowed to open {app.Name}.", "Applications", "/web/").ConfigureAwait(false);
            return;
        }

        var code = await sessions.CreateLaunchCodeAsync(
            new LaunchCode(signedIn.User.Name, app.Name, signedIn.Hash, signedIn.Session.Expires, stateHash, path, time.GetUtcNow() + SessionStore.LaunchCodeLifetime),
            context.RequestAborted).ConfigureAwait(false);
        var origin = app.PublicOrigin(settings.PublicAddr.Uri.Scheme, context.Request.Host.Port ?? settings.PublicAddr.Uri.Port);
        context.Response.Redirect($"{origin}{AppProxy.CallbackPath}?code={Uri.EscapeDataString(code)}");
    }
}
