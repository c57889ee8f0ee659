using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Postern.Testing;

/// <summary>
/// A reader of SPIFFE bundles written from the SPIFFE Trust Domain and Bundle specification (section 4) and the
/// X.509-SVID and JWT-SVID specifications' bundle sections, independent of Postern's own code: it lists every rule a
/// document breaks instead of stopping at the first.
/// </summary>
public static class SpiffeBundleSpec
{
    /// <summary>A key of a bundle as the specification reads it.</summary>
    public sealed record Key(string Use, string Kty, string? Kid, byte[]? Certificate, JsonElement Jwk);

    /// <summary>A bundle's sequence, refresh hint and keys, and every rule it breaks.</summary>
    public sealed record Reading(long? Sequence, long? RefreshHint, IReadOnlyList<Key> Keys, IReadOnlyList<string> Violations);

    public static Reading Read(string json)
    {
        var violations = new List<string>();
        var keys = new List<Key>();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        long? sequence = null, hint = null;
        if (root.TryGetProperty("spiffe_sequence", out var s))
        {
            // 4.1.1: an integer; at least 64 bits wide.
            if (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var value) && value >= 0) { sequence = value; }
            else { violations.Add("spiffe_sequence is not a non-negative integer"); }
        }
        else
        {
            violations.Add("spiffe_sequence SHOULD be set");
        }

        if (root.TryGetProperty("spiffe_refresh_hint", out var h))
        {
            // 4.1.2: an integer number of seconds.
            if (h.ValueKind == JsonValueKind.Number && h.TryGetInt64(out var value) && value > 0) { hint = value; }
            else { violations.Add("spiffe_refresh_hint is not a positive integer of seconds"); }
        }
        else
        {
            violations.Add("spiffe_refresh_hint SHOULD be set");
        }

        // 4.1.3: keys MUST be present, an array.
        if (!root.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            violations.Add("keys MUST be present as an array");
            return new Reading(sequence, hint, keys, violations);
        }

        foreach (var jwk in array.EnumerateArray())
        {
            var kty = jwk.TryGetProperty("kty", out var k) ? k.GetString() : null;
            var use = jwk.TryGetProperty("use", out var u) ? u.GetString() : null;
            if (kty is null) { violations.Add("a key has no kty (4.2.1)"); continue; }
            if (use is null) { violations.Add("a key has no use (4.2.2)"); continue; }
            var kid = jwk.TryGetProperty("kid", out var id) ? id.GetString() : null;
            switch (use)
            {
                case "jwt-svid":
                    // JWT-SVID 6.2: kid MUST be set.
                    if (string.IsNullOrEmpty(kid)) { violations.Add("a jwt-svid key has no kid"); }
                    if (jwk.TryGetProperty("x5c", out _)) { violations.Add($"jwt-svid key {kid} carries x5c"); }
                    keys.Add(new Key(use, kty, kid, null, jwk.Clone()));
                    break;
                case "x509-svid":
                    // X.509-SVID 6.2: x5c MUST hold exactly one certificate, a CA, whose key the JWK restates.
                    if (!jwk.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() != 1)
                    {
                        violations.Add("an x509-svid key's x5c does not hold exactly one certificate");
                        continue;
                    }

                    var der = Convert.FromBase64String(x5c[0].GetString()!);
                    violations.AddRange(CheckCertificateKey(der, kty, jwk));
                    keys.Add(new Key(use, kty, kid, der, jwk.Clone()));
                    break;
                default:
                    // 4.2.2: unknown uses are ignored.
                    break;
            }
        }

        return new Reading(sequence, hint, keys, violations);
    }

    private static IEnumerable<string> CheckCertificateKey(byte[] der, string kty, JsonElement jwk)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            yield return $"x509-svid certificate {certificate.Subject} is not a CA";
        }

        using var rsa = certificate.GetRSAPublicKey();
        using var ec = certificate.GetECDsaPublicKey();
        if (rsa is not null)
        {
            var p = rsa.ExportParameters(false);
            if (kty != "RSA" || Url(jwk, "n") != Convert.ToBase64String(p.Modulus!) || Url(jwk, "e") != Convert.ToBase64String(p.Exponent!))
            {
                yield return "an x509-svid key's RSA members do not match its certificate";
            }
        }
        else if (ec is not null)
        {
            var p = ec.ExportParameters(false);
            if (kty != "EC" || Url(jwk, "x") != Convert.ToBase64String(p.Q.X!) || Url(jwk, "y") != Convert.ToBase64String(p.Q.Y!))
            {
                yield return "an x509-svid key's EC members do not match its certificate";
            }
        }
        else
        {
            yield return "an x509-svid certificate's key is neither RSA nor EC";
        }
    }

    /// <summary>A base64url member, as standard base64 (for comparing with .NET's bytes).</summary>
    private static string? Url(JsonElement jwk, string name)
    {
        if (!jwk.TryGetProperty(name, out var value) || value.GetString() is not { } text)
        {
            return null;
        }

        var padded = text.Replace('-', '+').Replace('_', '/');
        return padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '=');
    }
}
