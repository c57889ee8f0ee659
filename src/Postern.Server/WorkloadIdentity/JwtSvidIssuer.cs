using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.Server.State;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Server.Web;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Issues JWT-SVIDs: for every workload identity that the caller's roles grant (by labels, deny winning) and whose
/// rules admit the caller's attributes, renders the SPIFFE ID, signs a token with the workload authority and
/// records a <c>jwt_svid.issued</c> event. The events are durable before any token is handed back; events of
/// concurrent issuances share store writes (the audit log's group commit).
/// </summary>
internal sealed class JwtSvidIssuer(ClusterState cluster, TokenSigner signer, AuditLog audit, PosternConfig config, WebSettings settings, TimeProvider time, SvidTelemetry telemetry, SvidHolders holders, Postern.Storage.IBackend store)
{
    /// <summary>The claims of a JWT-SVID: iss, sub, aud, exp, iat, jti.</summary>
    private const int ClaimCount = 6;

    /// <summary>
    /// Issues what <paramref name="caller"/> may have by <paramref name="checker"/>, its roles' rules, for a request read by
    /// <see cref="SvidRequest.TryParse"/>. When nothing may be issued, records a <c>jwt_svid.denied</c> event with the reasons.
    /// </summary>
    public async Task<SvidIssuance> IssueAsync(WorkloadCaller caller, AccessChecker checker, SvidRequest request, CancellationToken cancellationToken)
    {
        using var span = SvidTelemetry.StartIssuance();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var issuance = await IssueAllowedAsync(caller, checker, request, cancellationToken).ConfigureAwait(false);
            telemetry.Ended(issuance.Svids.Count > 0 ? "issued" : "denied", Math.Max(issuance.Svids.Count, 1), started, span);
            return issuance;
        }
        catch (Exception)
        {
            telemetry.Ended("error", 1, started, span);
            throw;
        }
    }

    private async Task<SvidIssuance> IssueAllowedAsync(WorkloadCaller caller, AccessChecker checker, SvidRequest request, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        var chosen = new WorkloadIdentityChoice(cluster, config.TrustDomain).Choose(caller, checker, request.SpiffeId, reasons);
        if (chosen.Count == 0)
        {
            var denied = Describe(caller, request);
            denied["reasons"] = new JsonArray([.. reasons.Select(r => JsonValue.Create(r))]);
            await audit.AppendAsync(AuditEventTypes.JwtSvidDenied, ActorOf(caller).Stamp(denied), cancellationToken).ConfigureAwait(false);
            return new SvidIssuance([], reasons);
        }

        var ttl = request.Ttl ?? config.WorkloadIdentity.DefaultTtl;
        var issuer = WorkloadIssuer.Issuer(settings.PublicAddr);
        var issued = new IssuedSvid[chosen.Count];
        var written = new Task[chosen.Count];
        for (var i = 0; i < chosen.Count; i++)
        {
            var (policy, id) = chosen[i];
            var now = time.GetUtcNow();
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var expires = issuedAt + TimeSpan.FromSeconds(Math.Ceiling(ttl.TotalSeconds));
            var jti = SvidTokenId.New(now);
            var token = signer.Sign(CertAuthorityType.Workload, new Dictionary<string, object>(ClaimCount)
            {
                ["iss"] = issuer,
                ["sub"] = id,
                ["aud"] = request.Audiences,
                ["exp"] = expires,
                ["iat"] = issuedAt,
                ["jti"] = jti,
            });
            issued[i] = new IssuedSvid(id, token.Value, expires, jti, policy.Name, policy.Hint);
            var fields = Describe(caller, request);
            fields["jti"] = jti;
            fields["spiffe_id"] = id;
            fields["workload_identity"] = policy.Name;
            fields["ttl"] = Durations.Format(expires - issuedAt);
            fields["expires"] = expires.ToString("O");
            fields["kid"] = token.KeyId;
            written[i] = audit.AppendAsync(AuditEventTypes.JwtSvidIssued, ActorOf(caller).Stamp(fields), cancellationToken);
        }

        // Handed back only once every event is durable: a token whose record is lost is never returned.
        await (written.Length == 1 ? written[0] : Task.WhenAll(written)).ConfigureAwait(false);
        await RecordHoldersAsync(caller, chosen, cancellationToken).ConfigureAwait(false);
        return new SvidIssuance(issued, []);
    }

    /// <summary>
    /// Records that the bot <paramref name="caller"/> holds the SPIFFE IDs <paramref name="chosen"/>, where the record is
    /// missing or half-way through its life, before the SVIDs are handed back: the app door maps an SVID to its bot by it.
    /// </summary>
    private async Task RecordHoldersAsync(WorkloadCaller caller, List<(WorkloadIdentityPolicy Policy, string Id)> chosen, CancellationToken cancellationToken)
    {
        if (caller.Kind != WorkloadCallerKind.Bot)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (_, id) in chosen)
        {
            if (holders.NeedsRecord(caller.Name, id, now))
            {
                var record = new SvidHolderRecord(caller.Name, id, now + SvidHolderRecord.Lifetime);
                await store.PutAsync(SvidHolderRecord.KeyOf(caller.Name, id), StoreJson.Serialize(record), record.Expires, cancellationToken).ConfigureAwait(false);
                holders.Note(record);
            }
        }
    }

    /// <summary>Records a <c>jwt_svid.denied</c> event for a request refused before policy was asked, with <paramref name="reason"/>.</summary>
    public async Task RefuseAsync(WorkloadCaller caller, string reason, CancellationToken cancellationToken)
    {
        var denied = new JsonObject
        {
            ["caller"] = caller.Target,
            [caller.Kind == WorkloadCallerKind.Bot ? "bot" : "user"] = caller.Name,
            ["reasons"] = new JsonArray(JsonValue.Create(reason)),
        };
        await audit.AppendAsync(AuditEventTypes.JwtSvidDenied, ActorOf(caller).Stamp(denied), cancellationToken).ConfigureAwait(false);
        telemetry.Refused();
    }

    /// <summary>The caller as the audit log names it, with the client address its request came from.</summary>
    private static AuditActor ActorOf(WorkloadCaller caller) =>
        caller.Kind == WorkloadCallerKind.Bot ? AuditActor.Bot(caller.Name, caller.ClientAddr) : AuditActor.User(caller.Name, caller.ClientAddr);

    private static JsonObject Describe(WorkloadCaller caller, SvidRequest request)
    {
        var attributes = WorkloadAuditFields.Attributes(caller);
        return new JsonObject
        {
            ["caller"] = caller.Target,
            [caller.Kind == WorkloadCallerKind.Bot ? "bot" : "user"] = caller.Name,
            ["audiences"] = new JsonArray([.. request.Audiences.Select(a => JsonValue.Create(a))]),
            ["attributes"] = attributes,
        };
    }
}
