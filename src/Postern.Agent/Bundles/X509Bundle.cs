namespace Postern.Agent.Bundles;

/// <summary>The trust domain's X.509 bundle as the agent serves it: its CA certificates, DER.</summary>
/// <param name="TrustDomain">The trust domain, e.g. <c>example.org</c>.</param>
/// <param name="Certificates">The CA certificates, DER, the signing one first.</param>
internal sealed record X509Bundle(string TrustDomain, IReadOnlyList<byte[]> Certificates) : ITrustDomainBundle
{
    /// <summary>The trust domain's SPIFFE ID, the key of the Workload API's bundle maps.</summary>
    public string TrustDomainId => "spiffe://" + TrustDomain;

    /// <summary>The certificates concatenated, as the Workload API's <c>bundle</c> fields carry them.</summary>
    public byte[] Concatenated { get; } = [.. Certificates.SelectMany(c => c)];

    byte[] ITrustDomainBundle.Served => Concatenated;

    /// <summary>Whether <paramref name="other"/> holds the same certificates in the same order.</summary>
    public bool SameAs(X509Bundle other) => TrustDomain == other.TrustDomain && Concatenated.AsSpan().SequenceEqual(other.Concatenated);
}
