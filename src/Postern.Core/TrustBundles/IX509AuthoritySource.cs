namespace Postern.TrustBundles;

/// <summary>
/// Where the trust domain's bundle takes its X.509 authorities from: the server's <c>x509</c> authority.
/// </summary>
public interface IX509AuthoritySource
{
    /// <summary>The CA certificates X.509-SVIDs may chain to now (old and new across a rotation), read together with their revision.</summary>
    X509AuthoritySet Current { get; }
}
