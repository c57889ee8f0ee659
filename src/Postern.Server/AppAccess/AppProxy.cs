using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Configuration;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Web;
using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>
/// The app door: a request whose <c>Host</c> names an app is served here and never reaches the web
/// endpoints. Without an app session it is sent through the web address to sign in; with one, the
/// access rules are checked and the request is forwarded with the user's assertion.
/// </summary>
internal sealed class AppProxy(
    ClusterState cluster,
    AppSessions appSessions,
    AppSessionAccess access,
    SessionStore sessions,
    AssertionMinter minter,
    AuditLog audit,
    WebSettings settings,
    AppUpstream upstream,
    TimeProvider time,
    AppMetrics metrics,
    WorkloadAppDoor workloads,
    WorkloadAssertionMinter workloadAssertions,
    ILogger<AppProxy> logger)
{
    /// <summary>The path on an app's host where a launch from the web address completes.</summary>
    public const string CallbackPath = "/x-postern-auth";

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // The web address is never an app's, even if a stored app names it (creating one is refused since).
        if (cluster.FindAppByHost(context.Request.Host.Host) is not { } app || WebAddressOverlap.Problem(app.HostName, settings.PublicAddr) is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (context.Request.Path.Equals(CallbackPath, StringComparison.Ordinal))
        {
            await CompleteLaunchAsync(context, app).ConfigureAwait(false);
            return;
        }

        // A workload's SVID decides alone: a session cookie beside it does not rescue a bad one.
        if (app.Config.WorkloadAccess is { } workloadAccess && WorkloadAppDoor.PresentedToken(context.Request, workloadAccess) is { } svid)
        {
            await ForwardWorkloadAsync(context, app, workloadAccess, svid).ConfigureAwait(false);
            return;
        }

        var token = context.Request.Cookies[settings.AppCookie];
        if (token is null && HasUnreadableCookie(context.Request, settings.AppCookie))
        {
            // A cookie of that name the parser refused (e.g. holding spaces): a broken or forged session, not none.
            token = "";
        }

        if (token is null)
        {
            if (app.Config.WorkloadAccess is { } access && !AcceptsHtml(context.Request))
            {
                // Not a browser (it does not ask for a page): a sign-in redirect would not help it; say what it lacks.
                await ChallengeAsync(context, StatusCodes.Status401Unauthorized, "no credential: present a JWT-SVID for this app as 'Bearer' in " + access.Header).ConfigureAwait(false);
                return;
            }

            await StartLaunchAsync(context, app).ConfigureAwait(false);
            return;
        }

        var session = await appSessions.FindAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (session is null || session.App != app.Name)
        {
            context.Response.Cookies.Delete(settings.AppCookie, settings.CookieOptions(null));
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Your session for this app is not valid or has expired.",
                "Sign in again", context.Request.Path + context.Request.QueryString).ConfigureAwait(false);
            return;
        }

        session.ClientAddr = context.Connection.RemoteIpAddress?.ToString();

        // Held as open from here, so that a revocation made while the access check runs still finds and aborts it.
        if (!session.Open.TryEnter(context))
        {
            context.Response.Cookies.Delete(settings.AppCookie, settings.CookieOptions(null));
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Your session has ended.", null, null).ConfigureAwait(false);
            return;
        }

        try
        {
            await ForwardAsync(context, app, session).ConfigureAwait(false);
        }
        finally
        {
            session.Open.Leave(context);
        }
    }

    private async Task ForwardAsync(HttpContext context, AppEntry app, AppSessionState session)
    {
        var decision = access.Decide(session, app);
        if (decision.UserRecord is not { } user)
        {
            context.Response.Cookies.Delete(settings.AppCookie, settings.CookieOptions(null));
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Your session has ended.", null, null).ConfigureAwait(false);
            return;
        }

        if (!decision.Access.Allowed)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status403Forbidden, $"You are not allowed to open {app.Name}.", null, null).ConfigureAwait(false);
            return;
        }

        MintedAssertion assertion;
        try
        {
            assertion = await minter.GetAsync(session, user, decision.UserRevision, app, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.AssertionMintFailed(app.Name, user.Name, e);
            await Pages.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Postern cannot issue your identity to this app right now.", null, null).ConfigureAwait(false);
            return;
        }

        if (assertion.Budget.IsOver)
        {
            var budget = assertion.Budget;
            await OversizePage.WriteAsync(context, app.Name, budget.Bytes, budget.Limit, budget.LargestText).ConfigureAwait(false);
            return;
        }

        await SendUpstreamAsync(context, app, user, assertion, PublicOrigin(app, context)).ConfigureAwait(false);
    }

    /// <summary>Forwards the request to <paramref name="app"/> as <paramref name="identity"/>, with <paramref name="assertion"/>.</summary>
    private async Task SendUpstreamAsync(HttpContext context, AppEntry app, User identity, MintedAssertion assertion, string publicOrigin)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (error, _) = await upstream.SendAsync(context, app, identity, [assertion.Token], assertion.Budget, publicOrigin, RequestConfig).ConfigureAwait(false);
        metrics.Forwarded(app.Name, context.Response.StatusCode, started, error);
        if (error != ForwarderError.None)
        {
            logger.UpstreamFailed(app.Name, error.ToString(), context.Features.Get<IForwarderErrorFeature>()?.Exception);
        }
    }

    private async Task ForwardWorkloadAsync(HttpContext context, AppEntry app, Postern.Configuration.WorkloadAccessConfig access, string svid)
    {
        var origin = PublicOrigin(app, context);
        var admission = await workloads.AdmitAsync(context, app, origin, svid).ConfigureAwait(false);
        if (admission.Bot is not { } bot)
        {
            await ChallengeAsync(context, admission.Status, admission.Reason!).ConfigureAwait(false);
            return;
        }

        MintedAssertion assertion;
        try
        {
            assertion = await workloadAssertions.GetAsync(bot, admission.SpiffeId!, admission.SvidExpires, admission.SvidJti, app, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.AssertionMintFailed(app.Name, WorkloadAssertionMinter.Subject(bot.Metadata.Name), e);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (assertion.Budget.IsOver)
        {
            var budget = assertion.Budget;
            await ChallengeAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"the assertion and headers for {app.Name} would take {budget.Bytes} bytes of its {budget.Limit}-byte budget (largest: {budget.LargestText}); an admin can filter the claims or raise max_header_bytes").ConfigureAwait(false);
            return;
        }

        // Consumed here: the SVID never reaches the app.
        context.Request.Headers.Remove(access.Header);
        await SendUpstreamAsync(context, app, WorkloadAssertionMinter.Identity(bot), assertion, origin).ConfigureAwait(false);
    }

    /// <summary>A refusal for a workload: the status, a Bearer challenge (RFC 6750) and the reason as JSON; no redirect.</summary>
    private static async Task ChallengeAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        var error = status == StatusCodes.Status401Unauthorized ? "invalid_token" : "insufficient_scope";
        var description = new string([.. reason.Where(c => c >= ' ' && c != '"' && c != '\\' && c < 127)]);
        context.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"postern\", error=\"{error}\", error_description=\"{description}\"";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new WorkloadRefusal(reason), WorkloadRefusalJson.Default.WorkloadRefusal, contentType: null, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>No app session: remember a state in a cookie on this host and go to the web address to launch.</summary>
    private async Task StartLaunchAsync(HttpContext context, AppEntry app)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, $"Sign in to open {app.Name}.", null, null).ConfigureAwait(false);
            return;
        }

        var state = SessionKeys.NewToken();
        context.Response.Cookies.Append(settings.StateCookie, state, settings.CookieOptions(time.GetUtcNow() + TimeSpan.FromMinutes(10)));
        var path = context.Request.Path + context.Request.QueryString;
        var launch = settings.PublicAddr.Combine(
            $"/web/launch/{Uri.EscapeDataString(app.Name)}?path={Uri.EscapeDataString(path.ToString())}&state={Uri.EscapeDataString(SessionKeys.Hash(state))}");
        context.Response.Redirect(launch);
    }

    /// <summary>Back from the web address with a one-time code: open the app session and go to the page first asked for.</summary>
    private async Task CompleteLaunchAsync(HttpContext context, AppEntry app)
    {
        var stateCookie = context.Request.Cookies[settings.StateCookie];
        var code = await sessions.TakeLaunchCodeAsync(context.Request.Query["code"].ToString(), context.RequestAborted).ConfigureAwait(false);
        if (code is null || code.App != app.Name || !SessionKeys.IsWellFormed(stateCookie)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(SessionKeys.Hash(stateCookie!)), Encoding.ASCII.GetBytes(code.StateHash)))
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
                "This sign-in link is not valid: it has expired, was already used, or was opened in another browser.", "Try again", "/").ConfigureAwait(false);
            return;
        }

        if (await appSessions.CreateAsync(code.User, app.Name, code.WebSession, code.SessionExpires, context.RequestAborted).ConfigureAwait(false) is not { } created)
        {
            // Signed out (or locked, or removed) after the launch began: the code opens nothing.
            context.Response.Cookies.Delete(settings.StateCookie, settings.CookieOptions(null));
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Your sign-in has ended.", "Sign in again", LocalPath.IsSafe(code.Path) ? code.Path : "/").ConfigureAwait(false);
            return;
        }

        var (token, session) = created;
        await audit.AppendAsync(AuditEventTypes.AppSessionStart, AuditActor.User(code.User, context.Connection.RemoteIpAddress?.ToString()).Stamp(new JsonObject
        {
            ["user"] = code.User,
            ["app"] = app.Name,
            ["session"] = SessionKeys.Reference(session.Hash),
            ["web_session"] = SessionKeys.Reference(code.WebSession),
            ["expires"] = code.SessionExpires.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }), context.RequestAborted).ConfigureAwait(false);

        context.Response.Cookies.Delete(settings.StateCookie, settings.CookieOptions(null));
        context.Response.Cookies.Append(settings.AppCookie, token, settings.CookieOptions(code.SessionExpires));
        context.Response.Redirect(LocalPath.IsSafe(code.Path) ? code.Path : "/");
    }

    private static bool HasUnreadableCookie(HttpRequest request, string name)
    {
        foreach (var header in request.Headers.Cookie)
        {
            foreach (var pair in (header ?? "").Split(';'))
            {
                if (pair.TrimStart().StartsWith(name + "=", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private string PublicOrigin(AppEntry app, HttpContext context) =>
        app.PublicOrigin(settings.PublicAddr.Uri.Scheme, context.Request.Host.Port ?? settings.PublicAddr.Uri.Port);
}
