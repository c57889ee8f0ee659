using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.Federation;
using Postern.Server.State;
using Postern.TrustBundles;
using Postern.Verification;

namespace Postern.Server.AppAccess;

/// <summary>
/// Workloads at the app door: a JWT-SVID presented as <c>Bearer</c> in the app's <c>workload_access.header</c> is
/// validated against the bundle of the trust domain it names (this cluster's workload authority, or a federated
/// domain's bundle), its audience must be the app's public address, and its SPIFFE ID must have been issued to exactly
/// one bot of this cluster (<see cref="SvidHolders"/>), which must exist, not be locked, and hold a role that opens the
/// app. Every refusal is audited as <c>app.workload.denied</c>.
/// </summary>
internal sealed class WorkloadAppDoor(
    ClusterState cluster,
    CertAuthorities authorities,
    FederatedBundles federated,
    SvidHolders holders,
    PosternConfig config,
    AuditLog audit,
    TimeProvider time,
    ILogger<PosternTokenValidator> validatorLogger,
    ILogger<WorkloadAppDoor> logger)
{
    private (long Revision, Verification.KeySet Keys)? _own;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<FederatedBundle, Verification.KeySet> _federatedKeys = new();

    /// <summary>
    /// The token the request presents for <paramref name="access"/>: the <c>Bearer</c> credential of its header. An
    /// <c>Authorization</c> header of another scheme is the app's business (null); in the other two headers, anything
    /// but a bearer token is presented and refused (empty).
    /// </summary>
    public static string? PresentedToken(HttpRequest request, WorkloadAccessConfig access)
    {
        var values = request.Headers[access.Header];
        if (values.Count == 0)
        {
            return null;
        }

        var value = values.Count == 1 ? values[0] ?? "" : "";
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        return access.Header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? null : "";
    }

    /// <summary>Decides what <paramref name="token"/> admits to <paramref name="app"/>; refusals are audited.</summary>
    public async Task<WorkloadAdmission> AdmitAsync(HttpContext context, AppEntry app, string publicOrigin, string token)
    {
        var admission = await DecideAsync(app, publicOrigin, token, context.RequestAborted).ConfigureAwait(false);
        if (admission.Bot is null)
        {
            var actor = admission.BotName is { } bot
                ? AuditActor.Bot(bot, context.Connection.RemoteIpAddress?.ToString())
                : new AuditActor("workload", admission.SpiffeId ?? "unknown", context.Connection.RemoteIpAddress?.ToString());
            try
            {
                await audit.AppendAsync(AuditEventTypes.AppWorkloadDenied, actor.Stamp(new JsonObject
                {
                    ["app"] = app.Name,
                    ["status"] = admission.Status,
                    ["reason"] = admission.Reason,
                    ["spiffe_id"] = admission.SpiffeId,
                    ["svid_jti"] = admission.SvidJti,
                    ["bot"] = admission.BotName,
                    ["header"] = app.Config.WorkloadAccess?.Header,
                }), context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.AuditFailed(AuditEventTypes.AppWorkloadDenied, e);
            }
        }

        return admission;
    }

    private async Task<WorkloadAdmission> DecideAsync(AppEntry app, string publicOrigin, string token, CancellationToken cancellationToken)
    {
        if (token.Length == 0)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status401Unauthorized, $"{app.Config.WorkloadAccess?.Header} must carry 'Bearer <JWT-SVID>'");
        }

        if (UnverifiedTrustDomain.Of(token) is not { } trustDomain)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status401Unauthorized, "the token is not a JWT-SVID: its sub is not a SPIFFE ID");
        }

        if (KeysOf(trustDomain) is not { } keys)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status401Unauthorized, $"trust domain '{trustDomain}' is neither this cluster's nor federated with it");
        }

        // The app's public address is its audience, as written or as the origin workloads call it by.
        var options = new PosternTokenValidatorOptions { TrustDomain = trustDomain, Audiences = [app.Config.PublicAddr, publicOrigin] };
        var result = await new PosternTokenValidator(keys, options, time, validatorLogger).ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status401Unauthorized, $"{result.Rejection}: {result.Message}");
        }

        var spiffeId = result.Identity.Subject;
        var jti = result.Identity.TokenId;
        if (trustDomain != config.TrustDomain)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status403Forbidden, $"'{spiffeId}' is of federated trust domain '{trustDomain}': no bot of this cluster holds it, so no role opens {app.Name} to it", spiffeId, jti);
        }

        var bots = holders.BotsHolding(spiffeId, time.GetUtcNow());
        if (bots.Count != 1)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status403Forbidden, bots.Count == 0
                ? $"'{spiffeId}' was issued to no bot of this cluster (only a bot's SVIDs open apps)"
                : $"'{spiffeId}' was issued to several bots ({string.Join(", ", bots)}): which one speaks is unknown; give each bot its own SPIFFE ID", spiffeId, jti);
        }

        var name = bots[0];
        var standing = IdentityStanding.OfBot(cluster, name);
        if (!standing.IsActive || cluster.FindBot(name) is not { } bot)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status403Forbidden, standing.IsLocked ? $"bot '{name}' is locked" : $"bot '{name}' no longer exists", spiffeId, jti, name);
        }

        var access = cluster.BotAccess(name).CheckApp(app.Name, app.Config.Labels);
        if (!access.Allowed)
        {
            return WorkloadAdmission.Refused(StatusCodes.Status403Forbidden, access.Reason, spiffeId, jti, name);
        }

        return new WorkloadAdmission(StatusCodes.Status200OK, null, spiffeId, jti, result.Identity.ExpiresAt, bot) { BotName = name };
    }

    private Verification.KeySet? KeysOf(string trustDomain)
    {
        if (trustDomain == config.TrustDomain)
        {
            var authority = authorities.Get(CertAuthorityType.Workload);
            if (_own is { } own && own.Revision == authority.Revision)
            {
                return own.Keys;
            }

            Verification.KeySet.TryParse(System.Text.Encoding.UTF8.GetString(authority.KeySet.Json.Span), "the workload authority's key set", out var keys, out _);
            _own = (authority.Revision, keys!);
            return keys;
        }

        if (federated.Find(trustDomain) is not { } bundle)
        {
            return null;
        }

        return _federatedKeys.GetValue(bundle, b =>
        {
            Verification.KeySet.TryParse(b.Record.Bundle, $"the bundle of trust domain '{b.Bundle.TrustDomain}'", out var keys, out _);
            return keys!;
        });
    }
}
