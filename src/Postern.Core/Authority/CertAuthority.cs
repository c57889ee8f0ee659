using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>
/// An authority ready to use: its stored document, the opened signing key, and its key set
/// rendered to bytes. Immutable; a change in the store replaces the whole object.
/// </summary>
public sealed class CertAuthority
{
    private CertAuthority(CertAuthorityType type, CertAuthorityDocument document, long revision, SigningCredentials signing, IReadOnlyList<X509Certificate2> caCertificates)
    {
        CaCertificates = caCertificates;
        Type = type;
        Document = document;
        Revision = revision;
        SigningCredentials = signing;
        SigningKey = signing.Key switch
        {
            RsaSecurityKey rsa => rsa.Rsa,
            ECDsaSecurityKey ecdsa => ecdsa.ECDsa,
            _ => throw new InvalidOperationException("unsupported signing key"),
        };
        EncodedHeader = System.Text.Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = signing.Algorithm, ["kid"] = document.SigningKid, ["typ"] = "JWT" })));
        KeySet = Postern.Authority.KeySet.Render(document.Keys);
    }

    /// <summary>Which authority this is.</summary>
    public CertAuthorityType Type { get; }

    /// <summary>The stored document.</summary>
    public CertAuthorityDocument Document { get; }

    /// <summary>The store revision the document was read at.</summary>
    public long Revision { get; }

    /// <summary>The signing key (its <c>KeyId</c> is the <c>kid</c>) and algorithm.</summary>
    public SigningCredentials SigningCredentials { get; }

    /// <summary>The opened private key that signs.</summary>
    internal System.Security.Cryptography.AsymmetricAlgorithm SigningKey { get; }

    /// <summary>The base64url JOSE header of every token this authority signs now, as ASCII bytes.</summary>
    internal byte[] EncodedHeader { get; }

    /// <summary>The <c>kid</c> of the signing key.</summary>
    public string SigningKid => Document.SigningKid;

    /// <summary>The published key set (<c>use: sig</c>).</summary>
    public CachedJson KeySet { get; }

    /// <summary>
    /// The CA certificates of every published key, the signing key's first (for <see cref="CertAuthorityType.X509"/>;
    /// empty for the others): during a rotation both the old and the new one, which is what an X.509 bundle holds.
    /// </summary>
    public IReadOnlyList<X509Certificate2> CaCertificates { get; }

    /// <summary>The CA certificate of the signing key; <c>null</c> for an authority other than <see cref="CertAuthorityType.X509"/>.</summary>
    public X509Certificate2? SigningCertificate => CaCertificates.Count > 0 ? CaCertificates[0] : null;

    /// <summary>This authority as stored at <paramref name="revision"/>, with the keys already opened.</summary>
    internal CertAuthority AtRevision(long revision) => new(Type, Document, revision, SigningCredentials, CaCertificates);

    /// <summary>Opens every key of <paramref name="document"/> with <paramref name="keyring"/>.</summary>
    /// <exception cref="KeyEncryptionKeyException">A key cannot be opened.</exception>
    public static CertAuthority Open(CertAuthorityType type, CertAuthorityDocument document, long revision, AuthorityKeyring keyring)
    {
        SigningCredentials? signing = null;
        foreach (var key in document.Keys)
        {
            var opened = keyring.Open(type, key);
            if (key.Kid == document.SigningKid)
            {
                signing = new SigningCredentials(opened, key.Alg);
            }
        }

        return signing is null
            ? throw new InvalidDataException($"the {type.Name()} authority's signing key {document.SigningKid} is not among its keys")
            : new CertAuthority(type, document, revision, signing, type == CertAuthorityType.X509 ? ReadCaCertificates(document) : []);
    }

    // The signing key's certificate first: the document lists the signing key first in every phase.
    private static X509Certificate2[] ReadCaCertificates(CertAuthorityDocument document) =>
        [.. document.Keys.OrderBy(k => k.Kid == document.SigningKid ? 0 : 1).Select(key =>
        {
            if (key.Certificate is null)
            {
                throw new InvalidDataException($"the x509 authority's key {key.Kid} has no CA certificate");
            }

            var certificate = X509CertificateLoader.LoadCertificate(key.Certificate);
            return X509CaCertificate.Certifies(certificate, key)
                ? certificate
                : throw new InvalidDataException($"the x509 authority's CA certificate for key {key.Kid} holds another public key");
        })];
}
