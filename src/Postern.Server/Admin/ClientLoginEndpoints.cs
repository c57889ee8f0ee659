using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Admin.Api;
using Postern.Audit;
using Postern.Server.Sessions;
using Postern.Server.SignIn;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.Admin;

/// <summary>
/// <c>postern login</c> and <c>postern logout</c>: <c>POST /v1/client/login</c> checks a user's password and one-time code as
/// the sign-in page does (same throttle, same audit), opens a web session and answers with a client credential bound
/// to it; <c>POST /v1/client/logout</c> ends both. No cookie is set or read: the credential travels as a bearer token.
/// </summary>
internal static class ClientLoginEndpoints
{
    public static IEndpointRouteBuilder MapClientLogin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/client/login", LoginAsync).RequireRateLimiting(SignInRateLimitPolicy.Name);
        app.MapPost("/v1/client/logout", LogoutAsync);
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, LoginService login, SessionStore sessions, ClusterState cluster, WebSettings settings)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (!context.Request.HasJsonContentType())
        {
            return AdminEndpoints.Error(StatusCodes.Status415UnsupportedMediaType, "the request body must be JSON (Content-Type: application/json)");
        }

        if (!ClientLoginRequest.TryParse(body.GetBuffer().AsSpan(0, (int)body.Length), out var request, out var error))
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest, error);
        }

        var outcome = await login.LoginAsync(request.Username!, request.Password!, request.Otp, context.Connection.RemoteIpAddress?.ToString(), settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            if (outcome.RetryAfter is { } retry)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return AdminEndpoints.Error(outcome.IsTooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized, outcome.Error!);
        }

        var (token, credential) = await sessions.CreateClientCredentialAsync(SessionKeys.Hash(outcome.Token!), outcome.Session!, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        var roles = cluster.FindUser(credential.User)?.Roles ?? [];
        return Results.Json(new ClientLogin(credential.User, roles, token, credential.Expires), AdminApiJsonContext.ServerAnswers.ClientLogin);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, SessionStore sessions, AuditLog audit)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        if (await sessions.FindClientCredentialAsync(token, context.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            return AdminEndpoints.Error(StatusCodes.Status401Unauthorized, "no live client credential was presented (already logged out, or it expired)");
        }

        await sessions.EndClientCredentialAsync(found.Hash, found.Credential, context.RequestAborted).ConfigureAwait(false);
        var actor = AuditActor.User(found.Credential.User, context.Connection.RemoteIpAddress?.ToString());
        await audit.AppendAsync(AuditEventTypes.UserLogout, actor.Stamp(new JsonObject
        {
            ["user"] = found.Credential.User,
            ["method"] = "client",
            ["session"] = SessionKeys.Reference(found.Credential.WebSession),
        }), context.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }
}
