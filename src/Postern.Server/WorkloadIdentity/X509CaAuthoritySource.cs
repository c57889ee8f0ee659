using Postern.Authority;
using Postern.TrustBundles;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The trust domain's X.509 authorities for its bundle: every CA certificate of the <c>x509</c> authority (the signing
/// one first, old and new across a rotation), with the authority's store revision. Read once per revision.
/// </summary>
internal sealed class X509CaAuthoritySource(CertAuthorities authorities) : IX509AuthoritySource
{
    private X509AuthoritySet? _last;

    public X509AuthoritySet Current
    {
        get
        {
            var authority = authorities.Get(CertAuthorityType.X509);
            var last = Volatile.Read(ref _last);
            if (last is not null && last.Revision == authority.Revision)
            {
                return last;
            }

            var set = new X509AuthoritySet([.. authority.CaCertificates.Select(c => new X509Authority(c.RawData))], authority.Revision);
            Volatile.Write(ref _last, set);
            return set;
        }
    }
}
