namespace Postern.Authority;

/// <summary>What the CA certificate of a new <see cref="CertAuthorityType.X509"/> key says: its trust domain and how long it is valid.</summary>
/// <param name="TrustDomain">The SPIFFE trust domain, named in the certificate's URI SAN (<c>spiffe://TrustDomain</c>).</param>
/// <param name="Lifetime">The certificate's validity (<c>workload_identity.x509.ca_ttl</c>).</param>
public sealed record X509CaProfile(string TrustDomain, TimeSpan Lifetime);
