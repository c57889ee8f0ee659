using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>
/// Makes the self-signed CA certificate of an X.509 authority key, as the SPIFFE X.509-SVID specification asks of a
/// signing certificate: <c>cA=true</c> (critical), key usage <c>keyCertSign</c> and <c>cRLSign</c> (critical), the
/// trust domain's SPIFFE ID (<c>spiffe://trust-domain</c>, no path) as its one URI SAN, and a subject key identifier
/// for the leaves' authority key identifier.
/// </summary>
public static class X509CaCertificate
{
    /// <summary>Signs the CA certificate of <paramref name="key"/> with its own private key (<paramref name="opened"/>).</summary>
    public static byte[] Create(AuthorityKey key, AsymmetricSecurityKey opened, X509CaProfile profile, DateTimeOffset now)
    {
        var subject = new X500DistinguishedName($"O=Postern, CN={profile.TrustDomain} X.509 CA {key.Kid[..Math.Min(12, key.Kid.Length)]}");
        var (request, generator) = opened switch
        {
            ECDsaSecurityKey ecdsa => (new CertificateRequest(subject, ecdsa.ECDsa, HashAlgorithmName.SHA256), X509SignatureGenerator.CreateForECDsa(ecdsa.ECDsa)),
            RsaSecurityKey rsa => (new CertificateRequest(subject, rsa.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), X509SignatureGenerator.CreateForRSA(rsa.Rsa, RSASignaturePadding.Pkcs1)),
            _ => throw new ArgumentException("the X.509 authority's key is neither ECDSA nor RSA", nameof(opened)),
        };

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);
        request.CertificateExtensions.Add(ski);
        request.CertificateExtensions.Add(SubjectAltNames.Build("spiffe://" + profile.TrustDomain, []));

        // Valid from a minute back, so that a verifier whose clock lags a little accepts it at once.
        var notBefore = TruncateToSeconds(now - TimeSpan.FromMinutes(1));
        using var certificate = request.Create(subject, generator, notBefore, TruncateToSeconds(now + profile.Lifetime), X509Serial.New());
        return certificate.RawData;
    }

    /// <summary>Whether <paramref name="certificate"/> holds the public key of <paramref name="key"/>.</summary>
    public static bool Certifies(X509Certificate2 certificate, AuthorityKey key)
    {
        using AsymmetricAlgorithm? publicKey = (AsymmetricAlgorithm?)certificate.GetECDsaPublicKey() ?? certificate.GetRSAPublicKey();
        return publicKey is not null && AuthorityKeys.Thumbprint(AuthorityKeys.PublicJwk(publicKey)) == key.Kid;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
