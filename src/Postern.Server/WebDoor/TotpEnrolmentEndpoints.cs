using Postern.Server.SignIn;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Web;
using Postern.Server.Sessions;
using Postern.Server.State;
using QRCoder;

namespace Postern.Server.WebDoor;

/// <summary>
/// The page where a user turns on TOTP (<c>/web/account/totp</c>): it shows a secret as an
/// <c>otpauth://</c> URI, a QR code (inline SVG, so the page's CSP stays <c>default-src 'none'</c>)
/// and base32, and makes it the user's only when a code from it is confirmed; then shows the ten
/// recovery codes once. It opens to a web session, or to the enrol-only state a user who must have a
/// second factor gets from the password, which the confirmation turns into a web session.
/// </summary>
internal static class TotpEnrolmentEndpoints
{
    public const string PagePath = "/web/account/totp";
    private const string Issuer = "Postern";

    public static void MapTotpEnrolment(this IEndpointRouteBuilder app)
    {
        app.MapGet(PagePath, ShowAsync);
        app.MapPost(PagePath, ConfirmAsync).DisableAntiforgery();
    }

    /// <summary>Hands the browser the enrol-only state after a password and sends it to the enrolment page.</summary>
    public static void SendToEnrol(HttpContext context, WebSettings settings, string enrolmentToken)
    {
        context.Response.Cookies.Append(EnrolmentCookie(settings), enrolmentToken, settings.CookieOptions(null));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = PagePath;
    }

    // The web session cookie's name with "enrol" for "session": __Host-postern_enrol over TLS.
    private static string EnrolmentCookie(WebSettings settings) => settings.WebCookie[..^"session".Length] + "enrol";

    private static async Task ShowAsync(HttpContext context, IAntiforgery antiforgery, WebSessionCookie cookie, TotpEnrolment enrolment, ClusterState cluster, WebSettings settings)
    {
        if (await FindUserAsync(context, cookie, enrolment, cluster, settings).ConfigureAwait(false) is not { } found)
        {
            context.Response.Redirect("/web/login?redirect=" + Uri.EscapeDataString(PagePath));
            return;
        }

        await WriteOfferAsync(context, antiforgery, enrolment, found.User, null, StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private static async Task ConfirmAsync(HttpContext context, IAntiforgery antiforgery, WebSessionCookie cookie, TotpEnrolment enrolment, ClusterState cluster, SessionStore sessions, AuditLog audit, WebSettings settings)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The form has expired or did not come from this page.", "Set up a one-time code", PagePath).ConfigureAwait(false);
            return;
        }

        if (await FindUserAsync(context, cookie, enrolment, cluster, settings).ConfigureAwait(false) is not { } found)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Sign in to set up a one-time code.", "Sign in", "/web/login?redirect=" + Uri.EscapeDataString(PagePath)).ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var code = form["code"].ToString().Trim();
        var outcome = await enrolment.ConfirmAsync(found.User.Name, code, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            await WriteOfferAsync(context, antiforgery, enrolment, found.User, outcome.Error, StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        if (found.EnrolmentHash is { } enrolmentHash)
        {
            // The password opened the enrol-only state and the confirmed code is the second factor: a whole sign-in.
            await enrolment.EndSessionAsync(enrolmentHash, context.RequestAborted).ConfigureAwait(false);
            context.Response.Cookies.Delete(EnrolmentCookie(settings), settings.CookieOptions(null));
            var (token, session) = await sessions.CreateWebSessionAsync(found.User.Name, settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
            cookie.Set(context, token, session);
            await audit.AppendAsync(AuditEventTypes.UserLogin, AuditActor.User(found.User.Name, context.Connection.RemoteIpAddress?.ToString()).Stamp(new JsonObject
            {
                ["user"] = found.User.Name,
                ["success"] = true,
                ["method"] = "password",
                ["second_factor"] = "enrolled",
                ["session"] = SessionKeys.ReferenceOfToken(token),
            }), context.RequestAborted).ConfigureAwait(false);
        }

        var list = new StringBuilder();
        foreach (var recoveryCode in outcome.RecoveryCodes!)
        {
            list.Append("<li><code>").Append(Pages.Encode(recoveryCode)).Append("</code></li>");
        }

        var body = $"""
            <h1>One-time codes are on</h1>
            <p>From now on, signing in as <strong>{Pages.Encode(found.User.Name)}</strong> asks for a code from your authenticator app.</p>
            <p>These recovery codes each sign you in once in place of a code, if you lose the app. Keep them somewhere safe:
            they are shown only now.</p>
            <ol id="recovery-codes">{list}</ol>
            <p><a id="continue" href="/web/">Continue to your applications</a></p>
            """;
        await Pages.WriteAsync(context, StatusCodes.Status200OK, "Recovery codes", body).ConfigureAwait(false);
    }

    private static async Task WriteOfferAsync(HttpContext context, IAntiforgery antiforgery, TotpEnrolment enrolment, User user, string? error, int status)
    {
        if (user.HasTotp)
        {
            var done = $"""
                <h1>One-time codes are on</h1>
                <p><strong>{Pages.Encode(user.Name)}</strong> signs in with a code from an authenticator app; {user.RecoveryCodeHashes.Count} recovery codes are left.</p>
                <p class="muted">To move to another app or get new recovery codes, ask an administrator to reset your second factor
                (<code>postern users reset-totp {Pages.Encode(user.Name)}</code>), then set it up again here.</p>
                <p><a href="/web/">Applications</a></p>
                """;
            await Pages.WriteAsync(context, StatusCodes.Status200OK, "One-time codes", done).ConfigureAwait(false);
            return;
        }

        var secret = await enrolment.OfferAsync(user.Name, context.RequestAborted).ConfigureAwait(false);
        var uri = Totp.ProvisioningUri(secret, user.Name, Issuer);
        var tokens = antiforgery.GetAndStoreTokens(context);
        var body = $"""
            <h1>Set up a one-time code</h1>
            {(user.RequireTotp ? "<p>Your account needs a second factor before you can sign in.</p>" : "")}
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Pages.Encode(error)}</p>")}
            <p>Scan this code with an authenticator app, or enter the secret by hand.</p>
            <div id="totp-qr" style="width:16rem">{QrSvg(uri)}</div>
            <p>Secret: <code id="totp-secret">{Pages.Encode(secret)}</code></p>
            <p class="muted">URI: <code id="totp-uri">{Pages.Encode(uri)}</code></p>
            <form method="post" action="{PagePath}">
              <input type="hidden" name="{Pages.Encode(tokens.FormFieldName)}" value="{Pages.Encode(tokens.RequestToken)}">
              <label>Code from the app <input name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus></label>
              <button type="submit">Turn on</button>
            </form>
            """;
        await Pages.WriteAsync(context, status, "Set up a one-time code", body).ConfigureAwait(false);
    }

    /// <summary>The QR code of <paramref name="text"/> as SVG markup made here from the URI alone (no user-supplied markup).</summary>
    private static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        var markup = svg.GetGraphic(new System.Drawing.Size(256, 256), false, SvgQRCode.SizingMode.ViewBoxAttribute);
        var start = markup.IndexOf("<svg", StringComparison.Ordinal);
        return start < 0 ? "" : markup[start..];
    }

    private static async Task<(User User, string? EnrolmentHash)?> FindUserAsync(HttpContext context, WebSessionCookie cookie, TotpEnrolment enrolment, ClusterState cluster, WebSettings settings)
    {
        if (await cookie.FindAsync(context).ConfigureAwait(false) is { } signedIn)
        {
            return (signedIn.User, null);
        }

        return await enrolment.FindSessionAsync(context.Request.Cookies[EnrolmentCookie(settings)], context.RequestAborted).ConfigureAwait(false) is { } state
            && cluster.FindUser(state.Session.User) is { } user
            && IdentityStanding.OfUser(cluster, user.Name).IsActive
            ? (user, state.Hash)
            : null;
    }
}
