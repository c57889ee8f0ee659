using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
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
/// to it; <c>POST /v1/client/sso/exchange</c> answers the same for an SSO sign-in made for the command line, in exchange for
/// its one-time code and the verifier of the code's challenge; <c>POST /v1/client/logout</c> ends both. No cookie is set or read: the credential travels as a bearer token.
/// </summary>
internal static class ClientLoginEndpoints
{
    public static IEndpointRouteBuilder MapClientLogin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/client/login", LoginAsync).RequireRateLimiting(SignInRateLimitPolicy.Name);
        app.MapPost("/v1/client/sso/exchange", ExchangeAsync).RequireRateLimiting(SignInRateLimitPolicy.Name);
        app.MapPost("/v1/client/logout", LogoutAsync);
        return app;
    }

    private delegate bool Parser<T>(ReadOnlySpan<byte> json, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out string? error)
        where T : class;

    /// <summary>The request body read by <paramref name="parse"/>, or the answer that refuses it (<c>415</c>, <c>400</c>).</summary>
    private static async Task<(T? Request, IResult? Refusal)> ReadAsync<T>(HttpContext context, Parser<T> parse)
        where T : class
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (!context.Request.HasJsonContentType())
        {
            return (null, AdminEndpoints.Error(StatusCodes.Status415UnsupportedMediaType, "the request body must be JSON (Content-Type: application/json)"));
        }

        return parse(body.GetBuffer().AsSpan(0, (int)body.Length), out var request, out var error)
            ? (request, null)
            : (null, AdminEndpoints.Error(StatusCodes.Status400BadRequest, error));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, LoginService login, SessionStore sessions, ClusterState cluster, WebSettings settings)
    {
        var (request, refused) = await ReadAsync<ClientLoginRequest>(context, ClientLoginRequest.TryParse).ConfigureAwait(false);
        if (request is null)
        {
            return refused!;
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

        return await IssueAsync(context, sessions, cluster, SessionKeys.Hash(outcome.Token!), outcome.Session!).ConfigureAwait(false);
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, SessionStore sessions, ClusterState cluster, ILogger<ClientCodeExchange> logger)
    {
        var (request, refused) = await ReadAsync<ClientCodeExchange>(context, ClientCodeExchange.TryParse).ConfigureAwait(false);
        if (request is null)
        {
            return refused!;
        }

        var (code, refusal) = await sessions.TakeClientLoginCodeAsync(request.Code, request.Verifier, context.RequestAborted).ConfigureAwait(false);
        var session = code is null ? null : await sessions.FindWebSessionByHashAsync(code.WebSession, context.RequestAborted).ConfigureAwait(false);
        if (code is null || session is null)
        {
            refusal ??= "the sign-in's web session has ended; run `postern login --sso` again";
            logger.ClientCodeRefused(context.Connection.RemoteIpAddress?.ToString(), refusal);
            return AdminEndpoints.Error(StatusCodes.Status401Unauthorized, refusal);
        }

        return await IssueAsync(context, sessions, cluster, code.WebSession, session).ConfigureAwait(false);
    }

    /// <summary>Opens a client credential for the web session <paramref name="webSessionHash"/> and answers with it.</summary>
    private static async Task<IResult> IssueAsync(HttpContext context, SessionStore sessions, ClusterState cluster, string webSessionHash, WebSession session)
    {
        var (token, credential) = await sessions.CreateClientCredentialAsync(webSessionHash, session, context.RequestAborted).ConfigureAwait(false);
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
