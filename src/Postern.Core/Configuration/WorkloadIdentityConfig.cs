namespace Postern.Configuration;

/// <summary>The <c>workload_identity</c> section: the trust domain and the lifetimes of JWT-SVIDs.</summary>
public sealed record WorkloadIdentityConfig
{
    /// <summary>The trust domain; <c>null</c> for the cluster name (in lower case).</summary>
    public string? TrustDomain { get; init; }

    /// <summary>The lifetime of an SVID when none is asked for.</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest lifetime a caller may ask for.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The <c>workload_identity.x509</c> section: lifetimes of X.509-SVIDs and of the CA certificates.</summary>
    public X509SvidConfig X509 { get; init; } = new();
}
