using Postern.Configuration;

namespace Postern.WorkloadIdentity;

/// <summary>The workload identity issuer: exactly <c>public_addr</c> + <c>/workload-identity</c>.</summary>
public static class WorkloadIssuer
{
    /// <summary>The path under the public address.</summary>
    public const string PathPrefix = "/workload-identity";

    /// <summary>The path of the discovery document.</summary>
    public const string DiscoveryPath = PathPrefix + "/.well-known/openid-configuration";

    /// <summary>The path of the workload authority's key set.</summary>
    public const string KeySetPath = PathPrefix + "/jwt-jwks.json";

    /// <summary>The issuer URL (<c>iss</c> of every JWT-SVID).</summary>
    public static string Issuer(PublicAddr publicAddr) => publicAddr.Combine(PathPrefix);
}
