namespace Postern.Agent.Bundles;

/// <summary>A bundle of one trust domain, as the Workload API serves it: a JWT bundle or an X.509 bundle.</summary>
internal interface ITrustDomainBundle
{
    /// <summary>The trust domain, e.g. <c>example.org</c>.</summary>
    string TrustDomain { get; }

    /// <summary><c>spiffe://&lt;trust domain&gt;</c>: the key of the bundle in the Workload API's bundle maps.</summary>
    string TrustDomainId { get; }

    /// <summary>The bundle as the Workload API's bundle maps carry it.</summary>
    byte[] Served { get; }
}
