using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Postern.WorkloadIdentity;

/// <summary>
/// Checks the PKCS#10 certificate signing request an X.509-SVID is issued for: well-formed DER with nothing after it,
/// signed by the key it carries (proof that the caller holds it), a P-256 or RSA (2048 to 8192 bits) key, and no
/// requested extensions or other attributes: Postern decides every extension of an X.509-SVID itself, and refuses
/// rather than drops what a caller asks for. The subject is not used.
/// </summary>
public static class SvidSigningRequest
{
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string RsaPublicKey = "1.2.840.113549.1.1.1";
    private const string P256 = "1.2.840.10045.3.1.7";

    /// <summary>The public key of <paramref name="der"/>, or <c>null</c> with <paramref name="error"/> saying what is wrong.</summary>
    public static PublicKey? Check(byte[] der, out string? error)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException e)
        {
            error = $"csr: not a PKCS#10 request signed by its own key ({e.Message.TrimEnd('.')})";
            return null;
        }

        if (request.CertificateExtensions.Count > 0)
        {
            var named = string.Join(", ", request.CertificateExtensions.Select(x => x.Oid?.FriendlyName is { Length: > 0 } name ? $"{name} ({x.Oid.Value})" : x.Oid?.Value));
            error = $"csr: requests extensions ({named}); Postern sets every extension of an X.509-SVID itself, send a request without them";
            return null;
        }

        if (request.OtherRequestAttributes.Count > 0)
        {
            error = $"csr: carries attributes ({string.Join(", ", request.OtherRequestAttributes.Select(a => a.Oid?.Value))}); send a request without them";
            return null;
        }

        error = KeyProblem(request.PublicKey);
        return error is null ? request.PublicKey : null;
    }

    /// <summary>The key's type as audit events name it (<c>EC P-256</c>, <c>RSA 2048</c>).</summary>
    public static string Describe(PublicKey key)
    {
        using var rsa = key.GetRSAPublicKey();
        return rsa is null ? "EC P-256" : $"RSA {rsa.KeySize}";
    }

    private static string? KeyProblem(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case EcPublicKey:
                using (var ecdsa = key.GetECDsaPublicKey())
                {
                    var curve = ecdsa?.ExportParameters(false).Curve.Oid;
                    return curve?.Value == P256 ? null : $"csr: the key is on curve {curve?.FriendlyName ?? curve?.Value ?? "unknown"}; an X.509-SVID key is P-256 or RSA of at least 2048 bits";
                }

            case RsaPublicKey:
                using (var rsa = key.GetRSAPublicKey())
                {
                    return rsa?.KeySize is >= 2048 and <= 8192 ? null : $"csr: the RSA key has {rsa?.KeySize} bits; an X.509-SVID key is RSA of 2048 to 8192 bits, or P-256";
                }

            default:
                return $"csr: the key's algorithm {key.Oid.FriendlyName ?? key.Oid.Value} is not supported; an X.509-SVID key is P-256 or RSA of at least 2048 bits";
        }
    }
}
