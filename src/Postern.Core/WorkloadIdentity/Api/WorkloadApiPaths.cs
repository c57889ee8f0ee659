namespace Postern.WorkloadIdentity.Api;

/// <summary>The paths of the workload identity API on the server's web address.</summary>
public static class WorkloadApiPaths
{
    /// <summary><c>POST</c> a <see cref="JoinRequest"/>; answered with a <see cref="BotCredentialGrant"/>.</summary>
    public const string Join = "/v1/bots/join";

    /// <summary><c>POST</c> with the bot credential as a bearer token and no body (one sent is not read); answered with a <see cref="BotCredentialGrant"/>.</summary>
    public const string Renew = "/v1/bots/renew";

    /// <summary><c>POST</c> a <see cref="JwtSvidRequest"/> as a bot or a signed-in user; answered with a <see cref="JwtSvidResponse"/>.</summary>
    public const string JwtSvids = "/v1/workload-identity/jwt-svids";

    /// <summary><c>POST</c> an <see cref="X509SvidRequest"/> with a bot credential; answered with an <see cref="X509SvidResponse"/>.</summary>
    public const string X509Svids = "/v1/workload-identity/x509-svids";

    /// <summary><c>GET</c>, no credential needed; answered with an <see cref="X509BundleDocument"/>.</summary>
    public const string X509Bundle = "/v1/workload-identity/x509-bundle";

    /// <summary><c>GET</c> with the bot credential as a bearer token; answered with a <see cref="PolicyRevision"/>.</summary>
    public const string Policy = "/v1/workload-identity/policy";

    /// <summary>
    /// <c>GET</c> with the bot credential as a bearer token (and <c>If-None-Match</c>); answered with one JSON object keyed by
    /// the federated trust domains' IDs (<c>spiffe://partner.example</c>), each value that domain's SPIFFE bundle.
    /// </summary>
    public const string FederatedBundles = "/v1/workload-identity/federated-bundles";
}
