using Postern.Server.SignIn;
using System.Text.Json.Nodes;
using Postern.Audit;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Server.AppAccess;
using Microsoft.Extensions.DependencyInjection;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Sso;
using Postern.Server.Web;

namespace Postern.Server.WebDoor;

/// <summary>
/// Sign-in: <c>POST /v1/login</c> for scripts (JSON only, refused when the browser says the request
/// comes from another site) and the login page's form (with an anti-forgery token).
/// </summary>
internal static class LoginEndpoints
{
    private const int MaxNameLength = 128;
    private const int MaxPasswordLength = 1024;

    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/login", LoginJsonAsync).RequireRateLimiting(SignInRateLimitPolicy.Name);
        app.MapGet("/web/login", ShowLoginPageAsync);
        app.MapPost("/web/login", LoginFormAsync).DisableAntiforgery().RequireRateLimiting(SignInRateLimitPolicy.Name);
        app.MapPost("/web/logout", LogoutAsync).DisableAntiforgery();
        app.MapPost("/v1/logout", LogoutJsonAsync);
    }

    private static async Task LoginJsonAsync(HttpContext context, LoginService login, WebSessionCookie cookie, WebSettings settings)
    {
        if (CrossSite.Reason(context, settings) is { } crossSite)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "cross_site", crossSite).ConfigureAwait(false);
            return;
        }

        if (!context.Request.HasJsonContentType())
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send the credentials as application/json").ConfigureAwait(false);
            return;
        }

        LoginRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<LoginRequest>(context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "malformed_request", $"the body is not a login request: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (request is null || Validate(request.Username, request.Password) is { } invalid)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "malformed_request", request is null ? "the body is empty" : Validate(request.Username, request.Password)!).ConfigureAwait(false);
            return;
        }

        var outcome = await login.LoginAsync(request.Username!, request.Password!, request.Otp, context.Connection.RemoteIpAddress?.ToString(), settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            SetRetryAfter(context, outcome);
            await WriteErrorAsync(context, outcome.IsTooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized, outcome.ErrorCode!, outcome.Error!).ConfigureAwait(false);
            return;
        }

        cookie.Set(context, outcome.Token!, outcome.Session!);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new { username = outcome.Session!.User, expires = outcome.Session.Expires }, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ShowLoginPageAsync(HttpContext context, IAntiforgery antiforgery, WebSessionCookie cookie)
    {
        var redirect = context.Request.Query["redirect"].ToString();
        if (await cookie.FindAsync(context).ConfigureAwait(false) is not null)
        {
            context.Response.Redirect(LocalPath.IsSafe(redirect) ? redirect : "/web/");
            return;
        }

        await WriteLoginPageAsync(context, antiforgery, redirect, null, StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private static async Task LoginFormAsync(HttpContext context, IAntiforgery antiforgery, LoginService login, WebSessionCookie cookie, WebSettings settings)
    {
        if (!context.Request.HasFormContentType)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "The sign-in form must be posted as a form.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The sign-in form has expired or did not come from this page.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var redirect = form["redirect"].ToString();
        string username = form["username"].ToString(), password = form["password"].ToString(), otp = form["otp"].ToString();
        if (Validate(username, password) is { } invalid)
        {
            await WriteLoginPageAsync(context, antiforgery, redirect, invalid, StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var outcome = await login.LoginAsync(username, password, otp.Length == 0 ? null : otp, context.Connection.RemoteIpAddress?.ToString(), settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
        if (outcome.EnrolmentToken is { } enrolmentToken)
        {
            TotpEnrolmentEndpoints.SendToEnrol(context, settings, enrolmentToken);
            return;
        }

        if (!outcome.Succeeded)
        {
            SetRetryAfter(context, outcome);
            await WriteLoginPageAsync(context, antiforgery, redirect, outcome.Error, outcome.IsTooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized).ConfigureAwait(false);
            return;
        }

        cookie.Set(context, outcome.Token!, outcome.Session!);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = LocalPath.IsSafe(redirect) ? redirect : "/web/";
    }

    private static async Task LogoutAsync(HttpContext context, IAntiforgery antiforgery, WebSessionCookie cookie, SessionStore sessions, AppSessions appSessions)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The sign-out form has expired.", "Back", "/web/").ConfigureAwait(false);
            return;
        }

        await EndAsync(context, cookie, sessions, appSessions).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/web/login";
    }

    private static async Task LogoutJsonAsync(HttpContext context, WebSessionCookie cookie, SessionStore sessions, AppSessions appSessions, WebSettings settings)
    {
        if (CrossSite.Reason(context, settings) is { } crossSite)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "cross_site", crossSite).ConfigureAwait(false);
            return;
        }

        await EndAsync(context, cookie, sessions, appSessions).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    // The app sessions are forgotten here at once; other instances drop them when the store's watch reports the deletion.
    private static async Task EndAsync(HttpContext context, WebSessionCookie cookie, SessionStore sessions, AppSessions appSessions)
    {
        if (await cookie.FindAsync(context).ConfigureAwait(false) is { } signedIn)
        {
            await sessions.EndWebSessionAsync(signedIn.Hash, context.RequestAborted).ConfigureAwait(false);
            appSessions.ForgetWebSession(signedIn.Hash);
            var actor = AuditActor.User(signedIn.User.Name, context.Connection.RemoteIpAddress?.ToString());
            await context.RequestServices.GetRequiredService<AuditLog>().AppendAsync(AuditEventTypes.UserLogout, actor.Stamp(new JsonObject
            {
                ["user"] = signedIn.User.Name,
                ["method"] = "web",
                ["session"] = SessionKeys.Reference(signedIn.Hash),
            }), context.RequestAborted).ConfigureAwait(false);
        }

        cookie.Clear(context);
    }

    private static string? Validate(string? username, string? password) =>
        string.IsNullOrEmpty(username) ? "username is required"
        : username.Length > MaxNameLength ? $"username is longer than {MaxNameLength} characters"
        : string.IsNullOrEmpty(password) ? "password is required"
        : password.Length > MaxPasswordLength ? $"password is longer than {MaxPasswordLength} characters"
        : null;

    private static void SetRetryAfter(HttpContext context, LoginOutcome outcome)
    {
        if (outcome.RetryAfter is { } after)
        {
            context.Response.Headers.RetryAfter = RetryAfter.Seconds(after);
        }
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new { error = message, reason = code }, context.RequestAborted);
    }

    private static Task WriteLoginPageAsync(HttpContext context, IAntiforgery antiforgery, string redirect, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var target = LocalPath.IsSafe(redirect) ? redirect : "/web/";
        var connectors = new StringBuilder();
        foreach (var connector in context.RequestServices.GetRequiredService<ClusterState>().Connectors)
        {
            var href = OidcConnector.LoginPath(connector.Name) + "?redirect=" + Uri.EscapeDataString(target);
            connectors.Append("<li><a class=\"app\" data-connector=\"").Append(Pages.Encode(connector.Name)).Append("\" href=\"").Append(Pages.Encode(href)).Append("\">")
                .Append("Sign in with ").Append(Pages.Encode(connector.Display ?? connector.Name)).Append("</a></li>");
        }

        var body = $"""
            <h1>Sign in to Postern</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Pages.Encode(error)}</p>")}
            <form method="post" action="/web/login">
              <input type="hidden" name="{Pages.Encode(tokens.FormFieldName)}" value="{Pages.Encode(tokens.RequestToken)}">
              <input type="hidden" name="redirect" value="{Pages.Encode(target)}">
              <label>User name <input name="username" autocomplete="username" required autofocus></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
              <label>One-time code <span class="muted">(if you set one up), or a recovery code</span> <input name="otp" inputmode="numeric" autocomplete="one-time-code"></label>
              <button type="submit">Sign in</button>
            </form>
            {(connectors.Length == 0 ? "" : $"<p class=\"muted\">or</p><ul class=\"apps\">{connectors}</ul>")}
            """;
        return Pages.WriteAsync(context, status, "Sign in", body);
    }

    private sealed record LoginRequest(string? Username, string? Password, string? Otp);
}
