using Postern.TrustBundles;

namespace Postern.Resources;

/// <summary>A <c>trust_domain_federation</c>: a foreign trust domain whose bundle Postern fetches and trusts; named by the trust domain.</summary>
public sealed record TrustDomainFederationResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.TrustDomainFederation;

    /// <summary>The trust domain and its bundle endpoint.</summary>
    public required TrustDomainFederation Federation { get; init; }
}
