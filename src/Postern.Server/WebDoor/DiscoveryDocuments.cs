using Postern.Authority;
using Postern.Configuration;
using Postern.WorkloadIdentity;

namespace Postern.Server.WebDoor;

/// <summary>The discovery document, rendered again only when the workload authority changes.</summary>
internal sealed class DiscoveryDocuments(Func<PublicAddr> publicAddr, CertAuthorities authorities)
{
    // A reference, swapped whole: requests read it concurrently, so revision and document must never tear.
    private Rendered? _cached;

    public CachedJson Current
    {
        get
        {
            var authority = authorities.Get(CertAuthorityType.Workload);
            var cached = Volatile.Read(ref _cached);
            if (cached is not null && cached.Revision == authority.Revision)
            {
                return cached.Document;
            }

            var document = DiscoveryDocument.Render(publicAddr(), authority.Document.Keys.Select(k => k.Alg));
            Volatile.Write(ref _cached, new Rendered(authority.Revision, document));
            return document;
        }
    }

    private sealed record Rendered(long Revision, CachedJson Document);
}
