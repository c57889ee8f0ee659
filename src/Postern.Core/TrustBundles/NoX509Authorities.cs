namespace Postern.TrustBundles;

/// <summary>No X.509 authority: the bundle carries JWT-SVID keys only.</summary>
public sealed class NoX509Authorities : IX509AuthoritySource
{
    public X509AuthoritySet Current => X509AuthoritySet.None;
}
