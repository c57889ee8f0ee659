namespace Postern.Authority.Pkcs11;

/// <summary>
/// Where an authority's private key lives in a PKCS#11 token, as stored in place of the sealed key.
/// The token holds the key; the store holds only this reference and the public key.
/// </summary>
public sealed record Pkcs11KeyRef
{
    /// <summary>The label of the token that made the key.</summary>
    public required string TokenLabel { get; init; }

    /// <summary>The serial number of the token that made the key, for the operator's records.</summary>
    public required string TokenSerial { get; init; }

    /// <summary>The key objects' <c>CKA_ID</c>, in lower-case hex: what <see cref="Pkcs11KeyVault"/> looks the key up by.</summary>
    public required string Id { get; init; }

    /// <summary>The key objects' <c>CKA_LABEL</c>, e.g. <c>postern-jwt-&lt;kid&gt;</c>.</summary>
    public required string Label { get; init; }
}
