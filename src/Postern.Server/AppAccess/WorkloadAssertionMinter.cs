using Postern.AppAccess;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// Mints the <c>Teleport-Jwt-Assertion</c> a bot's workload takes to an app: <c>sub</c> and <c>username</c>
/// <c>bot-&lt;name&gt;</c> (as the reference system names bots), the bot's roles, and the SVID's SPIFFE ID as
/// <c>spiffe_id</c>. One is kept per bot, SPIFFE ID and app until half of its life is gone, or the cluster state, the
/// app or the signing key changes; it never outlives the SVID that opened it. Every mint is audited before use.
/// </summary>
internal sealed class WorkloadAssertionMinter(TokenSigner signer, CertAuthorities authorities, ClusterState cluster, AuditLog audit, WebSettings settings, TimeProvider time, AppMetrics metrics)
{
    /// <summary>The most assertions kept; past it the cache is emptied (they are cheap to mint again).</summary>
    private const int MaxKept = 10_000;

    private readonly ConcurrentDictionary<(string Bot, string SpiffeId, string App), MintedAssertion> _kept = new();

    /// <summary>The <c>sub</c> of a bot's assertion.</summary>
    public static string Subject(string bot) => "bot-" + bot;

    /// <summary>The identity a bot's workload has at an app: its subject and roles, no traits.</summary>
    public static User Identity(BotResource bot) => new() { Name = Subject(bot.Metadata.Name), Roles = bot.Roles };

    public async ValueTask<MintedAssertion> GetAsync(BotResource bot, string spiffeId, DateTimeOffset svidExpires, string? svidJti, AppEntry app, string? clientAddr, CancellationToken cancellationToken)
    {
        var key = (bot.Metadata.Name, spiffeId, app.Name);
        var now = time.GetUtcNow();
        if (_kept.TryGetValue(key, out var kept) && kept.UserRevision == cluster.Version && kept.AppRevision == app.Revision
            && kept.KeyId == authorities.Get(CertAuthorityType.Jwt).SigningKid && now < kept.RenewAt && kept.Expires <= svidExpires)
        {
            return kept;
        }

        var minted = await MintAsync(bot, spiffeId, svidExpires, svidJti, app, now, clientAddr, cancellationToken).ConfigureAwait(false);
        if (_kept.Count >= MaxKept)
        {
            _kept.Clear();
        }

        _kept[key] = minted;
        return minted;
    }

    private async Task<MintedAssertion> MintAsync(BotResource bot, string spiffeId, DateTimeOffset svidExpires, string? svidJti, AppEntry app, DateTimeOffset now, string? clientAddr, CancellationToken cancellationToken)
    {
        var version = cluster.Version;
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expires = issuedAt + settings.AssertionTtl;
        if (expires > svidExpires)
        {
            expires = DateTimeOffset.FromUnixTimeSeconds(svidExpires.ToUnixTimeSeconds());
        }

        var jti = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var identity = Identity(bot);
        var carried = AssertionClaims.For(identity, app.Config.Rewrite);
        var claims = AssertionMinter.ClaimsOf(app.Audience, settings.ClusterName, identity, carried);
        claims["spiffe_id"] = spiffeId;
        claims["nbf"] = issuedAt - AssertionMinter.NotBeforeSkew;
        claims["exp"] = expires;
        claims["iat"] = issuedAt;
        claims["jti"] = jti;
        var token = signer.Sign(CertAuthorityType.Jwt, claims);
        var lifetime = expires - issuedAt;
        var budget = HeaderBudget.Measure(app, identity, token.Value, carried);
        var fields = new JsonObject
        {
            ["bot"] = bot.Metadata.Name,
            ["app"] = app.Name,
            ["spiffe_id"] = spiffeId,
            ["header_bytes"] = budget.Bytes,
        };
        if (budget.IsOver)
        {
            // Never sent, so never recorded as issued: the app would refuse the request.
            fields["max_header_bytes"] = budget.Limit;
            fields["largest_claims"] = new JsonArray([.. budget.Largest.Select(c => new JsonObject { ["claim"] = c.Name, ["bytes"] = c.Bytes })]);
            await audit.AppendAsync(AuditEventTypes.AppAssertionOversize, AuditActor.Bot(bot.Metadata.Name, clientAddr).Stamp(fields), cancellationToken).ConfigureAwait(false);
            metrics.OverBudget(app.Name, refused: true);
            return new MintedAssertion("", jti, token.KeyId, issuedAt, issuedAt + (lifetime / 2), expires, version, app.Revision, budget);
        }

        fields["svid_jti"] = svidJti;
        fields["jti"] = jti;
        fields["kid"] = token.KeyId;
        fields["exp"] = expires.ToUnixTimeSeconds();
        await audit.AppendAsync(AuditEventTypes.AppAssertionIssued, AuditActor.Bot(bot.Metadata.Name, clientAddr).Stamp(fields), cancellationToken).ConfigureAwait(false);

        metrics.Minted(app.Name, token.Value.Length);
        return new MintedAssertion(token.Value, jti, token.KeyId, issuedAt, issuedAt + (lifetime / 2), expires, version, app.Revision, budget);
    }
}
