using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Authority;
using Postern.WorkloadIdentity;
using Postern.Server.Web;

namespace Postern.Server.WebDoor;

/// <summary>The published key sets and the workload issuer's OIDC discovery document.</summary>
internal static class KeySetEndpoints
{
    /// <summary>The path of the application access key set.</summary>
    public const string JwtKeySetPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapKeySets(this IEndpointRouteBuilder endpoints, CertAuthorities authorities, DiscoveryDocuments discovery, TimeSpan maxAge)
    {
        // maxAge (authorities.key_set_max_age) is how long verifiers may cache a key set: a rotation publishes
        // a new key at least this long before it signs with it.
        endpoints.MapGet(JwtKeySetPath, (HttpContext context) => WriteKeySet(context, authorities.Get(CertAuthorityType.Jwt), maxAge));
        endpoints.MapGet(WorkloadIssuer.KeySetPath, (HttpContext context) => WriteKeySet(context, authorities.Get(CertAuthorityType.Workload), maxAge));
        endpoints.MapGet(WorkloadIssuer.DiscoveryPath, (HttpContext context) =>
        {
            var document = discovery.Current;
            return CachedDocument.WriteAsync(context, document.Json, document.ETag, maxAge);
        });
        return endpoints;
    }

    private static Task WriteKeySet(HttpContext context, CertAuthority authority, TimeSpan maxAge) =>
        CachedDocument.WriteAsync(context, authority.KeySet.Json, authority.KeySet.ETag, maxAge);
}
