using Postern.Authority;
using Postern.Configuration;
using Postern.WorkloadIdentity;

namespace Postern.Server.Web;

/// <summary>The discovery document, rendered again only when the workload authority's algorithms change.</summary>
internal sealed class DiscoveryDocuments(Func<PublicAddr> publicAddr, CertAuthorities authorities)
{
    private (long Revision, CachedJson Document)? _cached;

    public CachedJson Current
    {
        get
        {
            var authority = authorities.Get(CertAuthorityType.Workload);
            var cached = _cached;
            if (cached is { } hit && hit.Revision == authority.Revision)
            {
                return hit.Document;
            }

            var document = DiscoveryDocument.Render(publicAddr(), authority.Document.Keys.Select(k => k.Alg));
            _cached = (authority.Revision, document);
            return document;
        }
    }
}
