using Postern.Authority;
using Postern.Configuration;
using Postern.TrustBundles;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// This trust domain's bundle as the bundle endpoint serves it: the workload authority's published keys and the
/// X.509 authorities of <see cref="IX509AuthoritySource"/>, with <c>spiffe_sequence</c> the higher of the two
/// sources' store revisions (so it grows on every instance alike whenever either key list changes) and
/// <c>spiffe_refresh_hint</c> the key sets' max-age (a rotation publishes a new key at least that long before it
/// signs with it). Rendered once per pair of revisions.
/// </summary>
internal sealed class TrustBundleSource(CertAuthorities authorities, IX509AuthoritySource x509, PosternConfig config)
{
    private Rendered? _last;

    /// <summary>The current bundle and its document.</summary>
    public (TrustDomainBundle Bundle, CachedJson Document) Current
    {
        get
        {
            var workload = authorities.Get(CertAuthorityType.Workload);
            var certificates = x509.Current;
            var last = Volatile.Read(ref _last);
            if (last is not null && last.WorkloadRevision == workload.Revision && last.Certificates.Revision == certificates.Revision)
            {
                return (last.Bundle, last.Document);
            }

            var bundle = new TrustDomainBundle
            {
                TrustDomain = config.TrustDomain,
                JwtAuthorities = [.. workload.Document.Keys.Select(k => new JwtAuthority(k.Kid, k.PublicJwk))],
                X509Authorities = certificates.Authorities,
                Sequence = Math.Max(workload.Revision, certificates.Revision),
                RefreshHint = config.Authorities.KeySetMaxAge,
            };
            var rendered = new Rendered(workload.Revision, certificates, bundle, SpiffeBundleWriter.Render(bundle));
            Volatile.Write(ref _last, rendered);
            return (bundle, rendered.Document);
        }
    }

    private sealed record Rendered(long WorkloadRevision, X509AuthoritySet Certificates, TrustDomainBundle Bundle, CachedJson Document);
}
