namespace Postern.Configuration;

/// <summary>The <c>workload_identity.x509</c> section: how long X.509-SVIDs and the X.509 authority's CA certificates live.</summary>
public sealed record X509SvidConfig
{
    /// <summary>The lifetime of an X.509-SVID when none is asked for.</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The longest lifetime a caller may ask for; a rotation of the X.509 authority waits this long in each phase.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The validity of a CA certificate made for a new key of the X.509 authority; no SVID outlives its CA certificate.</summary>
    public TimeSpan CaTtl { get; init; } = TimeSpan.FromDays(365);
}
