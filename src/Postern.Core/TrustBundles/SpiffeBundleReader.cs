using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Postern.WorkloadIdentity;

namespace Postern.TrustBundles;

/// <summary>
/// Reads a foreign trust domain's bundle document (SPIFFE Trust Domain and Bundle, section 4) strictly: a document
/// that breaks a MUST of the specification is refused whole with the reason, rather than trusted in part. Keys of an
/// unknown <c>use</c> or <c>kty</c> are skipped, as the specification says.
/// </summary>
public static class SpiffeBundleReader
{
    /// <summary>The largest document read, in bytes.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>The most keys a document may hold.</summary>
    public const int MaxKeys = 64;

    private static readonly string[] KeyTypes = ["RSA", "EC"];

    /// <summary>Reads <paramref name="json"/> as the bundle of <paramref name="trustDomain"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, string trustDomain, [NotNullWhen(true)] out TrustDomainBundle? bundle, [NotNullWhen(false)] out string? error)
    {
        bundle = null;
        if (json.Length > MaxBytes)
        {
            error = $"the document is over {MaxBytes / 1024} KiB";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            error = Read(document.RootElement, trustDomain, out bundle);
            return error is null;
        }
        catch (JsonException e)
        {
            error = $"the document is not JSON: {e.Message}";
            return false;
        }
    }

    private static string? Read(JsonElement root, string trustDomain, out TrustDomainBundle? bundle)
    {
        bundle = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the document is not a JSON object (a JWK set)";
        }

        if (!root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return "the document has no \"keys\" array";
        }

        if (keys.GetArrayLength() > MaxKeys)
        {
            return $"the document holds {keys.GetArrayLength()} keys, more than {MaxKeys}";
        }

        long? sequence = null;
        if (root.TryGetProperty("spiffe_sequence", out var s))
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var value) || value < 0)
            {
                return "spiffe_sequence is not a non-negative integer";
            }

            sequence = value;
        }

        TimeSpan? hint = null;
        if (root.TryGetProperty("spiffe_refresh_hint", out var h))
        {
            if (h.ValueKind != JsonValueKind.Number || !h.TryGetInt64(out var seconds) || seconds < 0 || seconds > int.MaxValue)
            {
                return "spiffe_refresh_hint is not a non-negative integer of seconds";
            }

            hint = TimeSpan.FromSeconds(seconds);
        }

        var jwt = new List<JwtAuthority>();
        var x509 = new List<X509Authority>();
        var index = -1;
        foreach (var key in keys.EnumerateArray())
        {
            index++;
            if (key.ValueKind != JsonValueKind.Object)
            {
                return $"keys[{index}] is not a JSON object";
            }

            var kty = Text(key, "kty");
            var use = Text(key, "use");
            if (kty is null)
            {
                return $"keys[{index}] has no kty (section 4.2.1: it MUST be set)";
            }

            if (use is null)
            {
                return $"keys[{index}] has no use (section 4.2.2: it MUST be set, to x509-svid or jwt-svid)";
            }

            if (!KeyTypes.Contains(kty) || use is not (SpiffeBundleWriter.JwtUse or SpiffeBundleWriter.X509Use))
            {
                continue; // unknown: ignored, as sections 4.2.1 and 4.2.2 say
            }

            var problem = use == SpiffeBundleWriter.JwtUse ? ReadJwtKey(key, kty, jwt) : ReadX509Key(key, trustDomain, x509);
            if (problem is not null)
            {
                return $"keys[{index}] ({use}): {problem}";
            }
        }

        var duplicate = jwt.GroupBy(k => k.KeyId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return $"two jwt-svid keys share kid '{duplicate.Key}'";
        }

        bundle = new TrustDomainBundle { TrustDomain = trustDomain, JwtAuthorities = jwt, X509Authorities = x509, Sequence = sequence, RefreshHint = hint };
        return null;
    }

    private static string? ReadJwtKey(JsonElement key, string kty, List<JwtAuthority> into)
    {
        if (Text(key, "kid") is not { Length: > 0 } kid)
        {
            return "no kid (the JWT-SVID specification: it MUST be set)";
        }

        string[] members = kty == "RSA" ? ["n", "e"] : ["crv", "x", "y"];
        var jwk = new Dictionary<string, string>(StringComparer.Ordinal) { ["kty"] = kty };
        foreach (var member in members)
        {
            if (Text(key, member) is not { Length: > 0 } value)
            {
                return $"kid '{kid}' has no '{member}'";
            }

            jwk[member] = value;
        }

        if (kty == "EC" && jwk["crv"] is not ("P-256" or "P-384" or "P-521"))
        {
            return $"kid '{kid}' is on curve '{jwk["crv"]}', not P-256, P-384 or P-521";
        }

        into.Add(new JwtAuthority(kid, jwk));
        return null;
    }

    private static string? ReadX509Key(JsonElement key, string trustDomain, List<X509Authority> into)
    {
        if (!key.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() != 1 || x5c[0].ValueKind != JsonValueKind.String)
        {
            return "x5c does not hold exactly one certificate (the X.509-SVID specification: it MUST)";
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(x5c[0].GetString()!);
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                return $"the certificate '{certificate.Subject}' is not a CA";
            }

            // A CA that names a SPIFFE ID names its trust domain: one of another trust domain is not this domain's authority.
            foreach (var uri in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(UriNames))
            {
                if (uri.StartsWith(SpiffeId.Scheme, StringComparison.Ordinal) && SpiffeId.Check(uri.TrimEnd('/'), out var named, out _) is null && named != trustDomain)
                {
                    return $"the certificate is the authority of trust domain '{named}', not '{trustDomain}'";
                }
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            return $"x5c[0] is not a base64 DER certificate: {e.Message}";
        }

        into.Add(new X509Authority(der));
        return null;
    }

    private static IEnumerable<string> UriNames(X509SubjectAlternativeNameExtension san)
    {
        // .NET reads DNS names and IP addresses only: URIs are [6] IA5String in the GeneralNames sequence.
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        var found = new List<string>();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag() == uriTag)
            {
                found.Add(names.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return found;
    }

    private static string? Text(JsonElement key, string name) =>
        key.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
