using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.State;
using Postern.Storage;
using Postern.TrustBundles;

namespace Postern.Server.Federation;

/// <summary>
/// Fetches each federated trust domain's bundle when it is due (at once for a new federation or endpoint; then after
/// the resource's <c>refresh_interval</c>, or the bundle's <c>spiffe_refresh_hint</c>, bounded by
/// <see cref="TrustDomainFederation.MinRefresh"/> and <see cref="TrustDomainFederation.MaxRefresh"/>), and stores what it
/// accepts for every instance. Only the leader fetches. A refused answer changes nothing: the bundle held before stays,
/// the refusal is logged and audited, and the fetch is tried again after the shortest interval.
/// </summary>
internal sealed class FederationRefresher(
    FederatedBundles federations,
    IBackend store,
    ClusterLeader leader,
    CertAuthorities authorities,
    PosternConfig config,
    AuditLog audit,
    TimeProvider time,
    ILogger<FederationRefresher> logger) : BackgroundService
{
    /// <summary>How often due fetches are looked for.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly BundleEndpointClient _client = new();
    private readonly ConcurrentDictionary<string, Refusal> _refused = new(StringComparer.Ordinal);

    // When this instance last stored a bundle: the store's copy reaches FederatedBundles a moment later, through the watch.
    private readonly ConcurrentDictionary<string, (TrustDomainFederation Federation, DateTimeOffset Next)> _stored = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!leader.IsLeader)
            {
                continue;
            }

            try
            {
                await RefreshDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.FederationRefreshFailed(e);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    /// <summary>Fetches every bundle that is due, and removes the records of trust domains no longer federated.</summary>
    public async Task RefreshDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var federation in federations.Federations)
        {
            if (IsDue(federation, now))
            {
                await RefreshAsync(federation, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var trustDomain in federations.Recorded.Where(td => federations.FindFederation(td) is null))
        {
            await store.DeleteAsync(FederatedBundleRecord.Prefix + trustDomain, cancellationToken).ConfigureAwait(false);
            _refused.TryRemove(trustDomain, out _);
            _stored.TryRemove(trustDomain, out _);
        }
    }

    private bool IsDue(TrustDomainFederation federation, DateTimeOffset now)
    {
        if (_refused.TryGetValue(federation.TrustDomain, out var refusal) && ReferenceEquals(refusal.Federation, federation))
        {
            return now >= refusal.RetryAt;
        }

        if (_stored.TryGetValue(federation.TrustDomain, out var stored) && ReferenceEquals(stored.Federation, federation))
        {
            return now >= stored.Next;
        }

        var record = federations.Record(federation.TrustDomain);
        return record is null || record.Endpoint != federation.BundleEndpoint.OriginalString || now >= record.NextRefresh;
    }

    private async Task RefreshAsync(TrustDomainFederation federation, CancellationToken cancellationToken)
    {
        var (document, error) = await _client.FetchAsync(federation.BundleEndpoint, cancellationToken).ConfigureAwait(false);
        TrustDomainBundle? bundle = null;
        error ??= Check(federation.TrustDomain, document!, out bundle);
        var now = time.GetUtcNow();
        if (error is not null)
        {
            await RefuseAsync(federation, error, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var rendered = Encoding.UTF8.GetString(SpiffeBundleWriter.Render(bundle!).Json.Span);
        var previous = federations.Record(federation.TrustDomain);
        var record = new FederatedBundleRecord(federation.TrustDomain, federation.BundleEndpoint.OriginalString, rendered, now, now + federation.NextRefresh(bundle!.RefreshHint));
        await store.PutAsync(FederatedBundleRecord.Prefix + federation.TrustDomain, StoreJson.Serialize(record), null, cancellationToken).ConfigureAwait(false);
        _refused.TryRemove(federation.TrustDomain, out _);
        _stored[federation.TrustDomain] = (federation, record.NextRefresh);
        if (previous?.Bundle == rendered)
        {
            return;
        }

        var kids = string.Join(", ", bundle.JwtAuthorities.Select(k => k.KeyId));
        logger.FederatedBundleAccepted(federation.TrustDomain, bundle.Sequence, kids);
        await audit.AppendAsync(AuditEventTypes.TrustBundleUpdated, AuditActor.System.Stamp(new JsonObject
        {
            ["trust_domain"] = federation.TrustDomain,
            ["endpoint"] = federation.BundleEndpoint.OriginalString,
            ["sequence"] = bundle.Sequence,
            ["jwt_kids"] = new JsonArray([.. bundle.JwtAuthorities.Select(k => JsonValue.Create(k.KeyId))]),
            ["x509_authorities"] = bundle.X509Authorities.Count,
        }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why <paramref name="document"/> may not be taken as the bundle of <paramref name="trustDomain"/>, or null.</summary>
    private string? Check(string trustDomain, byte[] document, out TrustDomainBundle? bundle)
    {
        bundle = null;
        if (trustDomain == config.TrustDomain)
        {
            return $"'{trustDomain}' is this cluster's own trust domain: it is not federated, its keys are the workload authority's";
        }

        if (!SpiffeBundleReader.TryRead(document, trustDomain, out var read, out var error))
        {
            return error;
        }

        if (federations.Find(trustDomain) is { Bundle.Sequence: { } held } && read.Sequence is { } offered && offered < held)
        {
            return $"spiffe_sequence {offered} is lower than the {held} already held: an older bundle is not taken";
        }

        // One key, one trust domain (specification, section 6.4): a key another trust domain signs with would let that
        // domain speak for this one, as an endpoint pointed at the wrong domain's document would.
        var own = authorities.Get(CertAuthorityType.Workload).Document.Keys.Select(k => (Material(k.PublicJwk), k.Kid)).ToList();
        foreach (var key in read.JwtAuthorities)
        {
            var material = Material(key.PublicJwk);
            if (own.FirstOrDefault(o => o.Item1 == material) is { Kid: not null } mine)
            {
                return $"the key '{key.KeyId}' is a key of this cluster's own trust domain '{config.TrustDomain}' (kid '{mine.Kid}'): the endpoint does not serve '{trustDomain}'s bundle";
            }

            foreach (var other in federations.Federations.Where(f => f.TrustDomain != trustDomain).Select(f => federations.Find(f.TrustDomain)).OfType<FederatedBundle>())
            {
                if (other.Bundle.JwtAuthorities.Any(k => Material(k.PublicJwk) == material))
                {
                    return $"the key '{key.KeyId}' is already a key of federated trust domain '{other.Bundle.TrustDomain}': the endpoint does not serve '{trustDomain}'s bundle";
                }
            }
        }

        bundle = read;
        return null;
    }

    private async Task RefuseAsync(TrustDomainFederation federation, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = _refused.GetValueOrDefault(federation.TrustDomain);
        _refused[federation.TrustDomain] = new Refusal(federation, now + TrustDomainFederation.MinRefresh, error);
        var held = federations.Find(federation.TrustDomain);
        logger.FederatedBundleRefused(federation.TrustDomain, federation.BundleEndpoint.OriginalString, error);
        if (before?.Error == error && ReferenceEquals(before.Federation, federation))
        {
            return; // the same refusal again: logged, audited once
        }

        await audit.AppendAsync(AuditEventTypes.TrustBundleRefused, AuditActor.System.Stamp(new JsonObject
        {
            ["trust_domain"] = federation.TrustDomain,
            ["endpoint"] = federation.BundleEndpoint.OriginalString,
            ["error"] = error,
            ["kept_sequence"] = held?.Bundle.Sequence,
            ["kept_jwt_kids"] = held is null ? null : new JsonArray([.. held.Bundle.JwtAuthorities.Select(k => JsonValue.Create(k.KeyId))]),
        }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A key's public material (not its kid), to find one key under two names.</summary>
    private static string Material(IReadOnlyDictionary<string, string> jwk) =>
        string.Join("|", new[] { "kty", "n", "e", "crv", "x", "y" }.Select(m => jwk.GetValueOrDefault(m) ?? ""));

    private sealed record Refusal(TrustDomainFederation Federation, DateTimeOffset RetryAt, string Error);
}
