using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Sso;

namespace Postern.Server.Sso;

/// <summary>
/// Sign-in through an identity provider: <c>GET /v1/sso/oidc/NAME/login</c> sends the browser to the provider,
/// and the provider sends it back to <c>/v1/sso/oidc/NAME/callback</c>, where ASP.NET Core's OpenID Connect
/// handler for that connector takes the answer. A start for <c>postern login --sso</c> carries the command's loopback
/// callback (<see cref="CommandLineCallback"/>), kept in the handler's protected state until the sign-in ends. Both spend one budget per client address
/// (<see cref="SsoRateLimitPolicy"/>): a junk callback may be audited as a refused sign-in.
/// </summary>
internal static class SsoEndpoints
{
    public static void MapSso(this IEndpointRouteBuilder app)
    {
        app.MapGet(OidcConnector.LoginPath("{name}"), StartAsync).RequireRateLimiting(SsoRateLimitPolicy.Name);
        app.MapMethods(OidcConnector.CallbackPath("{name}"), [HttpMethods.Get, HttpMethods.Post], CallbackAsync).DisableAntiforgery().RequireRateLimiting(SsoRateLimitPolicy.Name);
    }

    /// <summary>The redirect URL the provider sends the browser back to: as configured, or on the public address.</summary>
    public static string RedirectUrl(OidcConnector connector, WebSettings settings) =>
        connector.RedirectUrl?.OriginalString ?? settings.PublicAddr.Combine(OidcConnector.CallbackPath(connector.Name));

    private static async Task StartAsync(string name, HttpContext context, ClusterState cluster, ConnectorSecrets secrets, SsoSignIn signIn)
    {
        if (cluster.FindConnector(name) is not { } connector)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"There is no sign-in connector named {name}.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        if (!secrets.TryRead(connector, out _, out var error))
        {
            await signIn.RefuseAsync(context, name, new("client_secret_unreadable", $"Postern cannot read the client secret of connector '{name}': {error}"), null).ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        if (!CommandLineCallback.TryParse(query[CommandLineCallback.RedirectParameter], query[CommandLineCallback.StateParameter], query[CommandLineCallback.ChallengeParameter], out var callback, out var refusal))
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, $"This is not a sign-in Postern can start for the command line: {refusal}.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        var redirect = query["redirect"].ToString();
        var properties = new AuthenticationProperties { RedirectUri = LocalPath.IsSafe(redirect) ? redirect : "/web/" };
        callback?.Keep(properties.Items);
        try
        {
            await context.ChallengeAsync(ConnectorSchemes.SchemeName(name), properties).ConfigureAwait(false);
        }
        catch (Exception e) when (SsoFailure.IsUnreachable(e, connector.IssuerUrl.OriginalString))
        {
            await signIn.RefuseAsync(context, name, SsoFailure.From(e, connector.IssuerUrl.OriginalString, connector.ClientId), null, e).ConfigureAwait(false);
        }
    }

    private static async Task CallbackAsync(string name, HttpContext context, ClusterState cluster, IAuthenticationHandlerProvider handlers)
    {
        if (cluster.FindConnector(name) is null
            || await handlers.GetHandlerAsync(context, ConnectorSchemes.SchemeName(name)).ConfigureAwait(false) is not IAuthenticationRequestHandler handler
            || !await handler.HandleRequestAsync().ConfigureAwait(false))
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "This is not an answer to a sign-in Postern started.", "Sign in", "/web/login").ConfigureAwait(false);
        }
    }
}
