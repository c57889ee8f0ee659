using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.Server.State;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Issues X.509-SVIDs: the SPIFFE ID is chosen as for JWT-SVIDs (<see cref="WorkloadIdentityChoice"/>; the one asked
/// for, or the first the caller may have), the leaf is signed by <see cref="X509SvidSigner"/> for the key of the caller's
/// checked CSR, and an <c>x509_svid.issued</c> event is durable before the certificate is handed back. Refusals are
/// recorded as <c>x509_svid.denied</c>.
/// </summary>
internal sealed class X509SvidIssuer(ClusterState cluster, X509SvidSigner signer, AuditLog audit, PosternConfig config, TimeProvider time)
{
    /// <summary>Issues one X.509-SVID for <paramref name="order"/>, or records and returns why not.</summary>
    public async Task<X509SvidIssuance> IssueAsync(WorkloadCaller caller, AccessChecker checker, X509SvidOrder order, string? clientAddr, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        var chosen = new WorkloadIdentityChoice(cluster, config.TrustDomain).Choose(caller, checker, order.SpiffeId, reasons);
        if (chosen.Count == 0)
        {
            await DenyAsync(caller, reasons, clientAddr, cancellationToken).ConfigureAwait(false);
            return new X509SvidIssuance(null, reasons, Unavailable: false);
        }

        var (policy, id) = chosen[0];
        var dnsNames = new List<string>(policy.DnsSans.Count);
        var unrendered = new List<string>();
        foreach (var template in policy.DnsSans)
        {
            if (template.Render(caller, out var error) is not { } name)
            {
                unrendered.Add($"workload identity '{policy.Name}': {error}");
            }
            else if (!dnsNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                dnsNames.Add(name);
            }
        }

        if (unrendered.Count > 0)
        {
            // A DNS SAN that cannot be rendered is never dropped quietly: the peer that expects it would see a different certificate.
            await DenyAsync(caller, unrendered, clientAddr, cancellationToken).ConfigureAwait(false);
            return new X509SvidIssuance(null, unrendered, Unavailable: false);
        }

        var ttl = order.Ttl ?? config.WorkloadIdentity.X509.DefaultTtl;
        if (signer.Sign(order.Key, id, dnsNames, time.GetUtcNow(), ttl, out var unavailable) is not { } signed)
        {
            await DenyAsync(caller, [unavailable!], clientAddr, cancellationToken).ConfigureAwait(false);
            return new X509SvidIssuance(null, [unavailable!], Unavailable: true);
        }

        var fields = Attributes(caller);
        fields["serial"] = signed.Serial;
        fields["spiffe_id"] = id;
        if (dnsNames.Count > 0)
        {
            fields["dns_sans"] = new JsonArray([.. dnsNames.Select(n => JsonValue.Create(n))]);
        }

        fields["workload_identity"] = policy.Name;
        fields["key"] = SvidSigningRequest.Describe(order.Key);
        fields["expires"] = signed.Expires.ToString("O");
        fields["kid"] = signed.Kid;

        // Handed back only once the event is durable: a certificate whose record is lost is never returned.
        await audit.AppendAsync(AuditEventTypes.X509SvidIssued, Actor(caller, clientAddr).Stamp(fields), cancellationToken).ConfigureAwait(false);
        return new X509SvidIssuance(new X509SvidResponse(
            id,
            [Convert.ToBase64String(signed.Leaf)],
            [.. signed.Bundle.Select(c => Convert.ToBase64String(c.RawData))],
            signed.Expires,
            signed.Serial,
            policy.Name,
            policy.Hint), [], Unavailable: false);
    }

    /// <summary>Records an <c>x509_svid.denied</c> event for a request refused before policy was asked, with <paramref name="reason"/>.</summary>
    public Task RefuseAsync(WorkloadCaller caller, string reason, string? clientAddr, CancellationToken cancellationToken) =>
        DenyAsync(caller, [reason], clientAddr, cancellationToken);

    private async Task DenyAsync(WorkloadCaller caller, IReadOnlyList<string> reasons, string? clientAddr, CancellationToken cancellationToken)
    {
        var denied = Attributes(caller);
        denied["reasons"] = new JsonArray([.. reasons.Select(r => JsonValue.Create(r))]);
        await audit.AppendAsync(AuditEventTypes.X509SvidDenied, Actor(caller, clientAddr).Stamp(denied), cancellationToken).ConfigureAwait(false);
    }

    private static AuditActor Actor(WorkloadCaller caller, string? clientAddr) => AuditActor.Bot(caller.Name, clientAddr);

    private static JsonObject Attributes(WorkloadCaller caller)
    {
        var attributes = WorkloadAuditFields.Attributes(caller);
        return new JsonObject { ["caller"] = caller.Target, ["bot"] = caller.Name, ["attributes"] = attributes };
    }
}
