using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Authority;
using Postern.WorkloadIdentity;

namespace Postern.Server.Web;

/// <summary>The published key sets and the workload issuer's OIDC discovery document.</summary>
internal static class KeySetEndpoints
{
    /// <summary>
    /// How long verifiers may cache a key set. A rotation publishes the new key at least this long
    /// before it signs with it, so it is kept short.
    /// </summary>
    public static readonly TimeSpan KeySetMaxAge = TimeSpan.FromMinutes(1);

    /// <summary>The path of the application access key set.</summary>
    public const string JwtKeySetPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapKeySets(this IEndpointRouteBuilder endpoints, CertAuthorities authorities, DiscoveryDocuments discovery)
    {
        endpoints.MapGet(JwtKeySetPath, (HttpContext context) => WriteKeySet(context, authorities.Get(CertAuthorityType.Jwt)));
        endpoints.MapGet(WorkloadIssuer.KeySetPath, (HttpContext context) => WriteKeySet(context, authorities.Get(CertAuthorityType.Workload)));
        endpoints.MapGet(WorkloadIssuer.DiscoveryPath, (HttpContext context) =>
        {
            var document = discovery.Current;
            return CachedDocument.WriteAsync(context, document.Json, document.ETag, KeySetMaxAge);
        });
        return endpoints;
    }

    private static Task WriteKeySet(HttpContext context, CertAuthority authority) =>
        CachedDocument.WriteAsync(context, authority.KeySet.Json, authority.KeySet.ETag, KeySetMaxAge);
}
