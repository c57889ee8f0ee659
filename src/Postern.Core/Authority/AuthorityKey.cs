using Postern.Authority.Pkcs11;

namespace Postern.Authority;

/// <summary>One key pair of an authority, as stored: the public key in JWK members and the sealed private key.</summary>
public sealed record AuthorityKey
{
    /// <summary>The RFC 7638 thumbprint of the public key.</summary>
    public required string Kid { get; init; }

    /// <summary><see cref="SigningAlgorithm.RS256"/> or <see cref="SigningAlgorithm.ES256"/>.</summary>
    public required string Alg { get; init; }

    /// <summary>The public key's JWK members (<c>kty</c>, and <c>n</c>/<c>e</c> or <c>crv</c>/<c>x</c>/<c>y</c>).</summary>
    public required IReadOnlyDictionary<string, string> PublicJwk { get; init; }

    /// <summary>
    /// The PKCS#8 private key, sealed under the key-encryption key; <c>null</c> when the key lives in an
    /// <see cref="IKeyVault"/> and the store holds only a reference to it.
    /// </summary>
    public SealedKey? PrivateKey { get; init; }

    /// <summary>
    /// The PKCS#11 token object that holds the private key, when it lives in one; <c>null</c> otherwise
    /// (and in documents written before keys could live in a token).
    /// </summary>
    public Pkcs11KeyRef? Pkcs11 { get; init; }

    /// <summary>
    /// The DER CA certificate of the key, for the <see cref="CertAuthorityType.X509"/> authority (made with the key);
    /// <c>null</c> for the other authorities.
    /// </summary>
    public byte[]? Certificate { get; init; }

    /// <summary>When the key was made.</summary>
    public required DateTimeOffset Created { get; init; }
}
