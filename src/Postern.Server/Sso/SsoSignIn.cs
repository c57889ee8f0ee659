using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.SignIn;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Sso;
using Postern.Storage;
using Postern.Server.Users;

namespace Postern.Server.Sso;

/// <summary>
/// The end of an SSO sign-in. With the provider's claims validated, makes or refreshes the user (external traits
/// and roles replaced at every sign-in; the provider's subject checked, see <see cref="SubjectBinding"/>) and opens a
/// web session; or refuses, saying why on the page (unless that would tell whether a user exists), in the log and in
/// a <c>user.login</c> audit event with <c>method: oidc</c>.
/// </summary>
internal sealed class SsoSignIn(
    ClusterState cluster,
    UserDirectory users,
    AuditedWrites writes,
    SessionStore sessions,
    WebSessionCookie cookie,
    AuditLog audit,
    WebSettings settings,
    TimeProvider time,
    SignInTelemetry telemetry,
    ILogger<SsoSignIn> logger)
{
    /// <summary>
    /// Ends a sign-in whose ID token is valid: for the browser, a web session cookie and the return address; for
    /// <c>postern login --sso</c> (<paramref name="commandLine"/>), a web session without a cookie and the browser sent to the
    /// command's loopback callback with a one-time code only that command can redeem.
    /// </summary>
    public async Task CompleteAsync(HttpContext context, OidcConnector connector, JsonElement idToken, JsonElement? userInfo, string? returnUri, CommandLineCallback? commandLine)
    {
        var traits = ExternalClaims.ToTraits(Claims(idToken), Claims(userInfo));
        var mapped = ExternalClaims.Map(connector, traits, ExternalClaims.EmailVerified(Claims(idToken), Claims(userInfo)));
        var hint = traits.TryGetValue(connector.UsernameClaim, out var names) && names.Count == 1 ? names[0] : null;
        if (mapped.Identity is not { } identity)
        {
            await RefuseAsync(context, connector.Name, new(mapped.ErrorCode!, mapped.Error!), hint).ConfigureAwait(false);
            return;
        }

        if (SubjectBinding.Of(idToken) is not { } subject)
        {
            await RefuseAsync(context, connector.Name, new("no_subject", "the identity provider's ID token has no 'iss' or no 'sub'"), identity.UserName).ConfigureAwait(false);
            return;
        }

        var missing = identity.Roles.Where(r => cluster.FindRole(r) is null).ToList();
        var roles = identity.Roles.Except(missing, StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
        {
            await RefuseAsync(context, connector.Name, new("no_role",
                $"your identity provider's claims map only to roles that do not exist in Postern ({string.Join(", ", missing)}); ask an administrator for access"), identity.UserName).ConfigureAwait(false);
            return;
        }

        var (user, failure) = await SaveUserAsync(connector, identity, subject, roles, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
        if (failure is not null)
        {
            await RefuseAsync(context, connector.Name, failure, identity.UserName).ConfigureAwait(false);
            return;
        }

        var (token, session) = await sessions.CreateWebSessionAsync(user!.Name, settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
        var fields = Fields(context, connector.Name, user.Name, true, null, null, roles);
        fields["session"] = SessionKeys.ReferenceOfToken(token);
        string next;
        if (commandLine is null)
        {
            cookie.Set(context, token, session);
            next = returnUri is not null && LocalPath.IsSafe(returnUri) ? returnUri : "/web/";
        }
        else
        {
            var code = await sessions.CreateClientLoginCodeAsync(user.Name, SessionKeys.Hash(token), commandLine.Challenge, context.RequestAborted).ConfigureAwait(false);
            fields["client"] = "cli";
            next = commandLine.With(code);
        }

        await audit.AppendAsync(AuditEventTypes.UserLogin, fields, CancellationToken.None).ConfigureAwait(false);
        telemetry.Ended("sso", "success", System.Diagnostics.Activity.Current);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Redirect(next);
    }

    /// <summary>Refuses the sign-in: no session, a page that says why, a log line and an audit event.</summary>
    public async Task RefuseAsync(HttpContext context, string connector, SsoFailure failure, string? user, Exception? exception = null)
    {
        logger.SsoSignInRefused(connector, failure.Code, failure.Message, exception);
        telemetry.Ended("sso", "failure", System.Diagnostics.Activity.Current);
        await audit.AppendAsync(AuditEventTypes.UserLogin, Fields(context, connector, user, false, failure.Code, failure.Message, null), CancellationToken.None).ConfigureAwait(false);
        await Pages.WriteProblemAsync(context, failure.Status, $"Sign-in through {connector} was refused: {failure.Shown}.", "Back to sign-in", "/web/login").ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the user on the first sign-in, or replaces the roles and external traits of the one the connector made
    /// for <paramref name="subject"/> before; a lock is checked only once the subject is, so that it tells an impostor nothing.
    /// </summary>
    private async Task<(User? User, SsoFailure? Failure)> SaveUserAsync(OidcConnector connector, ExternalIdentity identity, ExternalSubject subject, IReadOnlyList<string> roles, string? clientAddr, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await users.GetAsync(identity.UserName, cancellationToken).ConfigureAwait(false);
            if (SubjectBinding.Refusal(connector, identity.UserName, existing?.User, subject) is { } refusal)
            {
                return (null, refusal);
            }

            if (IdentityStanding.OfUser(cluster, identity.UserName).IsLocked)
            {
                return (null, new("user_locked", "your Postern user is locked"));
            }

            var user = existing is { } found
                ? found.User with { Roles = roles, ExternalTraits = identity.Traits, ExternalSubject = subject }
                : new User { Name = identity.UserName, Roles = roles, ExternalTraits = identity.Traits, Connector = connector.Name, ExternalSubject = subject, CreatedAt = time.GetUtcNow() };

            // A user the sign-in creates is written in one transaction with its event, by the person signing in.
            var write = existing is null
                ? await users.WriteAsync(user, Revision.Absent, writes, AuditEventTypes.UserCreate, new JsonObject
                {
                    ["user"] = user.Name,
                    ["connector"] = connector.Name,
                    ["issuer"] = subject.Issuer,
                    ["subject"] = subject.Subject,
                    ["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]),
                }, AuditActor.User(user.Name, clientAddr), cancellationToken).ConfigureAwait(false)
                : await users.WriteAsync(user, existing.Value.Revision, cancellationToken).ConfigureAwait(false);
            if (!write.Succeeded)
            {
                continue;
            }

            await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
            return (user, null);
        }

        return (null, new("user_busy", "your Postern user is being changed by someone else; try again"));
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> Claims(JsonElement? claims) =>
        claims is { ValueKind: JsonValueKind.Object } set ? set.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)) : [];

    private static JsonObject Fields(HttpContext context, string connector, string? user, bool success, string? code, string? reason, IReadOnlyList<string>? roles)
    {
        var fields = new JsonObject { ["method"] = "oidc", ["connector"] = connector, ["success"] = success };
        if (user is not null)
        {
            fields["user"] = user;
        }

        if (code is not null)
        {
            fields["code"] = code;
            fields["reason"] = reason;
        }

        if (roles is not null)
        {
            fields["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]);
        }

        AuditActor.User(user ?? "", context.Connection.RemoteIpAddress?.ToString()).Stamp(fields);
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            fields["remote_addr"] = remote.ToString();
        }

        return fields;
    }
}
