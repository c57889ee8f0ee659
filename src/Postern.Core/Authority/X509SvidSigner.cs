using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Authority;

/// <summary>
/// The one place that signs X.509-SVIDs, with the signing key of the <see cref="CertAuthorityType.X509"/> authority, to the
/// SPIFFE X.509-SVID specification: exactly one URI SAN (the SPIFFE ID) and any DNS SANs, <c>cA=false</c> (critical), key
/// usage <c>digitalSignature</c> (+<c>keyEncipherment</c> for an RSA key; critical), extended key usage server and client
/// authentication, a serial of 128 random bits, subject and authority key identifiers, and a <c>notAfter</c> never
/// beyond the CA certificate's.
/// </summary>
public sealed class X509SvidSigner(CertAuthorities authorities)
{
    private static readonly OidCollection ServerAndClientAuth = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    /// <summary>
    /// Signs a leaf for <paramref name="key"/> (checked by <c>SvidSigningRequest</c>) valid from <paramref name="now"/> for
    /// <paramref name="ttl"/>, cut to the CA certificate's expiry; <c>null</c> with <paramref name="error"/> when the
    /// CA certificate is not valid at <paramref name="now"/>.
    /// </summary>
    public SignedX509Svid? Sign(PublicKey key, string spiffeId, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan ttl, out string? error)
    {
        var authority = authorities.Get(CertAuthorityType.X509);
        var ca = authority.SigningCertificate!;
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        if (issuedAt >= caNotAfter || issuedAt < new DateTimeOffset(ca.NotBefore.ToUniversalTime()))
        {
            error = $"the x509 authority's CA certificate ({authority.SigningKid}) is valid from {ca.NotBefore.ToUniversalTime():u} to {caNotAfter:u}, not now: rotate it (postern ca rotate x509)";
            return null;
        }

        var notAfter = issuedAt + TimeSpan.FromSeconds(Math.Ceiling(ttl.TotalSeconds));
        if (notAfter > caNotAfter)
        {
            notAfter = caNotAfter;
        }

        var isRsa = key.Oid.Value == "1.2.840.113549.1.1.1";
        var request = new CertificateRequest(new X500DistinguishedName("O=Postern"), key, HashAlgorithmName.SHA256, isRsa ? RSASignaturePadding.Pkcs1 : null);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | (isRsa ? X509KeyUsageFlags.KeyEncipherment : 0), critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ServerAndClientAuth, critical: false));
        request.CertificateExtensions.Add(SubjectAltNames.Build(spiffeId, dnsNames));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(key, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));

        var generator = authority.SigningKey switch
        {
            ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
            RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("the x509 authority's key cannot sign"),
        };

        var serial = X509Serial.New();
        // Valid from a little before now, so that a peer whose clock lags a few seconds accepts it at once.
        using var leaf = request.Create(ca.SubjectName, generator, issuedAt - TimeSpan.FromSeconds(30), notAfter, serial);
        error = null;
        return new SignedX509Svid(leaf.RawData, Convert.ToHexStringLower(serial), notAfter, authority.SigningKid, authority.CaCertificates);
    }
}
