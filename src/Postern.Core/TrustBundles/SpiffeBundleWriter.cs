using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Postern.TrustBundles;

/// <summary>
/// Writes a <see cref="TrustDomainBundle"/> in the SPIFFE bundle format: a JWK set with <c>spiffe_sequence</c> and
/// <c>spiffe_refresh_hint</c>, one <c>use: x509-svid</c> key per CA certificate (its public key and the certificate
/// alone in <c>x5c</c>) and one <c>use: jwt-svid</c> key per JWT authority (with its <c>kid</c>).
/// </summary>
public static class SpiffeBundleWriter
{
    public const string X509Use = "x509-svid";
    public const string JwtUse = "jwt-svid";

    /// <summary>The document for <paramref name="bundle"/>, rendered once.</summary>
    public static CachedJson Render(TrustDomainBundle bundle) => CachedJson.Write(writer => Write(writer, bundle));

    /// <summary>Writes <paramref name="bundle"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, TrustDomainBundle bundle)
    {
        writer.WriteStartObject();
        if (bundle.Sequence is { } sequence)
        {
            writer.WriteNumber("spiffe_sequence", sequence);
        }

        if (bundle.RefreshHint is { } hint)
        {
            writer.WriteNumber("spiffe_refresh_hint", Math.Max(1, (long)Math.Ceiling(hint.TotalSeconds)));
        }

        writer.WriteStartArray("keys");
        foreach (var authority in bundle.X509Authorities)
        {
            writer.WriteStartObject();
            WriteCertificateKey(writer, authority.Certificate);
            writer.WriteString("use", X509Use);
            writer.WriteStartArray("x5c");
            writer.WriteStringValue(Convert.ToBase64String(authority.Certificate));
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        foreach (var authority in bundle.JwtAuthorities)
        {
            writer.WriteStartObject();
            foreach (var (name, value) in authority.PublicJwk.Where(m => m.Key is not ("use" or "kid")).OrderBy(m => m.Key == "kty" ? "" : m.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, value);
            }

            writer.WriteString("use", JwtUse);
            writer.WriteString("kid", authority.KeyId);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The certificate's public key as JWK members (RFC 7518, section 6).</summary>
    /// <exception cref="CryptographicException">The certificate is not DER, or its key is neither RSA nor EC P-256/P-384/P-521.</exception>
    private static void WriteCertificateKey(Utf8JsonWriter writer, byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                var parameters = rsa.ExportParameters(false);
                writer.WriteString("kty", "RSA");
                writer.WriteString("e", Base64UrlEncoder.Encode(parameters.Exponent));
                writer.WriteString("n", Base64UrlEncoder.Encode(parameters.Modulus));
            }

            return;
        }

        using var ec = certificate.GetECDsaPublicKey() ?? throw new CryptographicException("an X.509 authority's key is neither RSA nor EC");
        var point = ec.ExportParameters(false);
        writer.WriteString("kty", "EC");
        writer.WriteString("crv", point.Curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => "P-256",
            "nistP384" or "ECDSA_P384" => "P-384",
            "nistP521" or "ECDSA_P521" => "P-521",
            var other => throw new CryptographicException($"an X.509 authority's curve {other} has no JWK name"),
        });
        writer.WriteString("x", Base64UrlEncoder.Encode(point.Q.X));
        writer.WriteString("y", Base64UrlEncoder.Encode(point.Q.Y));
    }
}
