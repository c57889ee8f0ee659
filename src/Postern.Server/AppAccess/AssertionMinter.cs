using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Postern.AppAccess;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// Mints the <c>Teleport-Jwt-Assertion</c> for an app session and keeps it until less than half of its
/// life remains, or until the user, the app or the signing key changes. Every mint is audited, durably, before the token
/// is used.
/// </summary>
internal sealed class AssertionMinter(
    TokenSigner signer, CertAuthorities authorities, AuditLog audit, WebSettings settings, TimeProvider time, AppMetrics metrics, ILogger<AssertionMinter> logger)
{
    /// <summary>How far before issue <c>nbf</c> is set, to absorb clock skew between Postern and the app.</summary>
    public static readonly TimeSpan NotBeforeSkew = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The assertion to send for <paramref name="session"/> now. When only half-life has passed, one
    /// request mints while the others keep sending the still-valid token; when the user or the app has
    /// changed, every request waits for the new one.
    /// </summary>
    public async ValueTask<MintedAssertion> GetAsync(AppSessionState session, User user, long userRevision, AppEntry app, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = session.Assertion;
        if (IsCurrent(current, userRevision, app, now))
        {
            if (now < current!.RenewAt || !session.MintLock.Wait(0, CancellationToken.None))
            {
                return current!;
            }
        }
        else
        {
            await session.MintLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            now = time.GetUtcNow();
            current = session.Assertion;
            if (IsCurrent(current, userRevision, app, now) && now < current!.RenewAt)
            {
                return current;
            }

            var minted = await MintAsync(session, user, userRevision, app, now, cancellationToken).ConfigureAwait(false);
            session.Assertion = minted;
            return minted;
        }
        finally
        {
            session.MintLock.Release();
        }
    }

    // A rotation step that changes the signing key re-mints before the next use, so that an app never gets a
    // token signed by a key that is on its way out of the key set.
    private bool IsCurrent(MintedAssertion? assertion, long userRevision, AppEntry app, DateTimeOffset now) =>
        assertion is not null && assertion.UserRevision == userRevision && assertion.AppRevision == app.Revision && now < assertion.Expires
        && assertion.KeyId == authorities.Get(CertAuthorityType.Jwt).SigningKid;

    private async Task<MintedAssertion> MintAsync(AppSessionState session, User user, long userRevision, AppEntry app, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifetime = session.Expires - now;
        if (lifetime > settings.AssertionTtl)
        {
            lifetime = settings.AssertionTtl;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expires = issuedAt + lifetime;
        var jti = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var carried = AssertionClaims.For(user, app.Config.Rewrite);
        var claims = Claims(app, user, carried);
        claims["nbf"] = issuedAt - NotBeforeSkew;
        claims["exp"] = expires;
        claims["iat"] = issuedAt;
        claims["jti"] = jti;
        var token = signer.Sign(CertAuthorityType.Jwt, claims);
        var budget = HeaderBudget.Measure(app, user, token.Value, carried);
        var sessionReference = Sessions.SessionKeys.Reference(session.Hash);
        if (budget.IsOver)
        {
            // Never sent, so never recorded as issued: the app would refuse the request, and the user is told why instead.
            await AuditBudgetAsync(AuditEventTypes.AppAssertionOversize, user, app, sessionReference, budget, cancellationToken).ConfigureAwait(false);
            logger.AssertionOverBudget(app.Name, user.Name, budget.Bytes, budget.Limit, budget.LargestText);
            metrics.OverBudget(app.Name, refused: true);
            return new MintedAssertion("", jti, token.KeyId, issuedAt, issuedAt + (lifetime / 2), expires, userRevision, app.Revision, budget);
        }

        await audit.AppendAsync(AuditEventTypes.AppAssertionIssued, AuditActor.User(user.Name, session.ClientAddr).Stamp(new JsonObject
        {
            ["user"] = user.Name,
            ["app"] = app.Name,
            ["session"] = sessionReference,
            ["jti"] = jti,
            ["kid"] = token.KeyId,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["header_bytes"] = budget.Bytes,
        }), cancellationToken).ConfigureAwait(false);

        if (budget.IsNear)
        {
            await AuditBudgetAsync(AuditEventTypes.AppAssertionOversizeWarning, user, app, sessionReference, budget, cancellationToken).ConfigureAwait(false);
            logger.AssertionNearBudget(app.Name, user.Name, budget.Bytes, budget.Limit, budget.LargestText);
            metrics.OverBudget(app.Name, refused: false);
        }

        metrics.Minted(app.Name, token.Value.Length);
        return new MintedAssertion(token.Value, jti, token.KeyId, issuedAt, issuedAt + (lifetime / 2), expires, userRevision, app.Revision, budget);
    }

    /// <summary>
    /// What <paramref name="user"/>'s next assertion for <paramref name="app"/> would carry and weigh
    /// (<c>postern doctor assertion</c>): its payload and its budget. The token is signed only to be measured, as the
    /// size of its signature depends on the key, and is dropped here: it is never returned, sent or recorded as issued.
    /// </summary>
    public (JsonObject Payload, HeaderBudget Budget) Preview(AppEntry app, User user)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var carried = AssertionClaims.For(user, app.Config.Rewrite);
        var claims = Claims(app, user, carried);
        claims["nbf"] = issuedAt - NotBeforeSkew;
        claims["exp"] = issuedAt + settings.AssertionTtl;
        claims["iat"] = issuedAt;
        claims["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var token = signer.Sign(CertAuthorityType.Jwt, claims).Value;
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
        return (payload, HeaderBudget.Measure(app, user, token, carried));
    }

    /// <summary>The claims of <paramref name="user"/>'s assertion for <paramref name="app"/> but the times and the <c>jti</c>.</summary>
    public Dictionary<string, object> Claims(AppEntry app, User user, AssertionClaims carried) => ClaimsOf(app.Audience, settings.ClusterName, user, carried);

    /// <summary>The claims of an assertion for <paramref name="audience"/> from <paramref name="issuer"/>, but the times and the <c>jti</c>.</summary>
    public static Dictionary<string, object> ClaimsOf(string audience, string issuer, User user, AssertionClaims carried)
    {
        var claims = new Dictionary<string, object>(11, StringComparer.Ordinal)
        {
            ["aud"] = audience,
            ["iss"] = issuer,
            ["sub"] = user.Name,
            ["username"] = user.Name,
        };
        if (carried.Roles is { } roles)
        {
            claims["roles"] = roles;
        }

        if (carried.Traits is { } traits)
        {
            claims["traits"] = traits;
        }

        return claims;
    }

    private Task AuditBudgetAsync(string type, User user, AppEntry app, string session, HeaderBudget budget, CancellationToken cancellationToken) =>
        audit.AppendAsync(type, AuditActor.User(user.Name, null).Stamp(new JsonObject
        {
            ["user"] = user.Name,
            ["app"] = app.Name,
            ["session"] = session,
            ["header_bytes"] = budget.Bytes,
            ["max_header_bytes"] = budget.Limit,
            ["percent"] = budget.Percent,
            ["largest_claims"] = new JsonArray([.. budget.Largest.Select(c => new JsonObject { ["claim"] = c.Name, ["bytes"] = c.Bytes })]),
        }), cancellationToken);
}
