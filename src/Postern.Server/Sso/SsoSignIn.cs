using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Sso;
using Postern.Storage;
using Postern.Server.Users;

namespace Postern.Server.Sso;

/// <summary>
/// The end of an SSO sign-in. With the provider's claims validated, makes or refreshes the user (external traits
/// and roles replaced at every sign-in) and opens a web session; or refuses, saying why on the page, in the log and
/// in a <c>user.login</c> audit event with <c>method: oidc</c>.
/// </summary>
internal sealed class SsoSignIn(
    ClusterState cluster,
    UserDirectory users,
    SessionStore sessions,
    WebSessionCookie cookie,
    AuditLog audit,
    WebSettings settings,
    TimeProvider time,
    ILogger<SsoSignIn> logger)
{
    public async Task CompleteAsync(HttpContext context, OidcConnector connector, JsonElement idToken, JsonElement? userInfo, string? returnUri)
    {
        var traits = ExternalClaims.ToTraits(Claims(idToken), Claims(userInfo));
        var mapped = ExternalClaims.Map(connector, traits);
        var hint = traits.TryGetValue(connector.UsernameClaim, out var names) && names.Count == 1 ? names[0] : null;
        if (mapped.Identity is not { } identity)
        {
            await RefuseAsync(context, connector.Name, new(mapped.ErrorCode!, mapped.Error!), hint).ConfigureAwait(false);
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

        if (IdentityStanding.OfUser(cluster, identity.UserName).IsLocked)
        {
            await RefuseAsync(context, connector.Name, new("user_locked", "your Postern user is locked"), identity.UserName).ConfigureAwait(false);
            return;
        }

        var (user, failure) = await SaveUserAsync(connector, identity, roles, context.RequestAborted).ConfigureAwait(false);
        if (failure is not null)
        {
            await RefuseAsync(context, connector.Name, failure, identity.UserName).ConfigureAwait(false);
            return;
        }

        var (token, session) = await sessions.CreateWebSessionAsync(user!.Name, settings.SessionTtl, context.RequestAborted).ConfigureAwait(false);
        cookie.Set(context, token, session);
        await audit.AppendAsync(AuditEventTypes.UserLogin, Fields(context, connector.Name, user.Name, true, null, null, roles), CancellationToken.None).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(returnUri is not null && LocalPath.IsSafe(returnUri) ? returnUri : "/web/");
    }

    /// <summary>Refuses the sign-in: no session, a page that says why, a log line and an audit event.</summary>
    public async Task RefuseAsync(HttpContext context, string connector, SsoFailure failure, string? user, Exception? exception = null)
    {
        logger.SsoSignInRefused(connector, failure.Code, failure.Message, exception);
        await audit.AppendAsync(AuditEventTypes.UserLogin, Fields(context, connector, user, false, failure.Code, failure.Message, null), CancellationToken.None).ConfigureAwait(false);
        await Pages.WriteProblemAsync(context, failure.Status, $"Sign-in through {connector} was refused: {failure.Message}.", "Back to sign-in", "/web/login").ConfigureAwait(false);
    }

    /// <summary>Creates the user on the first sign-in, or replaces the roles and external traits of the one the connector made before.</summary>
    private async Task<(User? User, SsoFailure? Failure)> SaveUserAsync(OidcConnector connector, ExternalIdentity identity, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await users.GetAsync(identity.UserName, cancellationToken).ConfigureAwait(false);
            User user;
            if (existing is { } found)
            {
                if (found.User.Connector != connector.Name)
                {
                    return (null, new("user_exists", found.User.Connector is null
                        ? $"a local user named '{identity.UserName}' already exists, and SSO does not take over local users"
                        : $"the user '{identity.UserName}' signs in through connector '{found.User.Connector}'"));
                }

                user = found.User with { Roles = roles, ExternalTraits = identity.Traits };
            }
            else
            {
                user = new User { Name = identity.UserName, Roles = roles, ExternalTraits = identity.Traits, Connector = connector.Name, CreatedAt = time.GetUtcNow() };
            }

            var write = await users.WriteAsync(user, existing?.Revision ?? Revision.Absent, cancellationToken).ConfigureAwait(false);
            if (!write.Succeeded)
            {
                continue;
            }

            if (existing is null)
            {
                await audit.AppendAsync(AuditEventTypes.UserCreate, new JsonObject
                {
                    ["user"] = user.Name,
                    ["connector"] = connector.Name,
                    ["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]),
                }, CancellationToken.None).ConfigureAwait(false);
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

        if (context.Connection.RemoteIpAddress is { } remote)
        {
            fields["remote_addr"] = remote.ToString();
        }

        return fields;
    }
}
