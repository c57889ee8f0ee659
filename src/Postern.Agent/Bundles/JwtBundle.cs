using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Postern.Agent.Bundles;

/// <summary>
/// The trust domain's JWT bundle: the server's workload key set, re-written in the SPIFFE bundle
/// format (every key with <c>use: "jwt-svid"</c> and its <c>kid</c>) for the Workload API, and the
/// same keys parsed for local validation.
/// </summary>
internal sealed class JwtBundle
{
    public const string SpiffeUse = "jwt-svid";

    private JwtBundle(string trustDomain, byte[] spiffeJson, IReadOnlyDictionary<string, BundleKey> keys, string? etag)
    {
        TrustDomain = trustDomain;
        TrustDomainId = "spiffe://" + trustDomain;
        SpiffeJson = spiffeJson;
        Keys = keys;
        ETag = etag;
    }

    public string TrustDomain { get; }

    /// <summary><c>spiffe://&lt;trust domain&gt;</c>: the key of the bundle in <c>FetchJWTBundles</c>.</summary>
    public string TrustDomainId { get; }

    /// <summary>The bundle as a JWKS document in the SPIFFE bundle format.</summary>
    public byte[] SpiffeJson { get; }

    public IReadOnlyDictionary<string, BundleKey> Keys { get; }

    /// <summary>The ETag of the server key set this bundle was made from.</summary>
    public string? ETag { get; }

    /// <summary>Builds the bundle from the server's JWKS; keys without a <c>kid</c>, or that are not RSA or P-256 signing keys, are left out.</summary>
    /// <exception cref="JsonException">The document is not a JWKS.</exception>
    public static JwtBundle FromServerKeySet(string trustDomain, ReadOnlySpan<byte> jwks, string? etag)
    {
        using var document = JsonDocument.Parse(jwks.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keyArray)
            || keyArray.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("the key set has no \"keys\" array");
        }

        var keys = new Dictionary<string, BundleKey>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var jwk in keyArray.EnumerateArray())
            {
                if (jwk.ValueKind != JsonValueKind.Object || ParseKey(jwk) is not { } key || keys.ContainsKey(key.KeyId))
                {
                    continue;
                }

                keys.Add(key.KeyId, key);
                writer.WriteStartObject();
                foreach (var member in jwk.EnumerateObject())
                {
                    if (member.NameEquals("use"))
                    {
                        continue;
                    }

                    member.WriteTo(writer);
                }

                writer.WriteString("use", SpiffeUse);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new JwtBundle(trustDomain, buffer.ToArray(), keys, etag);
    }

    private static BundleKey? ParseKey(JsonElement jwk)
    {
        var kid = Text(jwk, "kid");
        var use = Text(jwk, "use");
        if (string.IsNullOrEmpty(kid) || (use is not null && use != "sig" && use != SpiffeUse))
        {
            return null;
        }

        switch (Text(jwk, "kty"))
        {
            case "RSA" when Bytes(jwk, "n") is { } n && Bytes(jwk, "e") is { } e:
                return new BundleKey(kid, new RSAParameters { Modulus = n, Exponent = e }, null);
            case "EC" when Text(jwk, "crv") == "P-256" && Bytes(jwk, "x") is { Length: 32 } x && Bytes(jwk, "y") is { Length: 32 } y:
                return new BundleKey(kid, null, new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            default:
                return null;
        }
    }

    private static string? Text(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement jwk, string name)
    {
        var text = Text(jwk, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
