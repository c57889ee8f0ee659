using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
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
internal sealed class AssertionMinter(TokenSigner signer, CertAuthorities authorities, AuditLog audit, WebSettings settings, TimeProvider time, AppMetrics metrics)
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
        var claims = new Dictionary<string, object>(10, StringComparer.Ordinal)
        {
            ["aud"] = app.Audience,
            ["iss"] = settings.ClusterName,
            ["sub"] = user.Name,
            ["username"] = user.Name,
        };
        var mode = app.Config.Rewrite.JwtClaims;
        if (mode is JwtClaimsMode.RolesAndTraits or JwtClaimsMode.Roles)
        {
            claims["roles"] = user.Roles;
        }

        if (mode is JwtClaimsMode.RolesAndTraits or JwtClaimsMode.Traits)
        {
            claims["traits"] = user.AssertionTraits;
        }

        claims["nbf"] = issuedAt - NotBeforeSkew;
        claims["exp"] = expires;
        claims["iat"] = issuedAt;
        claims["jti"] = jti;
        var token = signer.Sign(CertAuthorityType.Jwt, claims);

        await audit.AppendAsync(AuditEventTypes.AppAssertionIssued, AuditActor.User(user.Name, session.ClientAddr).Stamp(new JsonObject
        {
            ["user"] = user.Name,
            ["app"] = app.Name,
            ["session"] = Sessions.SessionKeys.Reference(session.Hash),
            ["jti"] = jti,
            ["kid"] = token.KeyId,
            ["exp"] = expires.ToUnixTimeSeconds(),
        }), cancellationToken).ConfigureAwait(false);

        metrics.Minted(app.Name, token.Value.Length);
        return new MintedAssertion(token.Value, jti, token.KeyId, issuedAt, issuedAt + (lifetime / 2), expires, userRevision, app.Revision);
    }
}
