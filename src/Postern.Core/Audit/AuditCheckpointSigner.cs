using System.Security.Cryptography;
using Postern.Authority;

namespace Postern.Audit;

/// <summary>
/// Signs checkpoints with the signing key of the audit authority (<see cref="CertAuthorityType.Audit"/>), which is
/// held as the other authorities' keys are: sealed under the key-encryption key, or in a PKCS#11 token.
/// </summary>
public sealed class AuditCheckpointSigner(CertAuthority authority) : IAuditCheckpointSigner
{
    /// <inheritdoc />
    public string Kid => authority.SigningKid;

    /// <inheritdoc />
    public byte[] Sign(byte[] payload) => authority.SigningKey switch
    {
        ECDsa ecdsa => ecdsa.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        RSA rsa => rsa.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("the audit key is neither ECDSA nor RSA"),
    };
}
