using System.Text.Json;
using Postern.Configuration;

namespace Postern.WorkloadIdentity;

/// <summary>
/// The OIDC discovery document of the workload identity issuer, rendered once to bytes: the fields
/// that AWS, GCP and Azure read of an external OIDC issuer.
/// </summary>
public sealed class DiscoveryDocument
{
    private DiscoveryDocument(byte[] json, string etag)
    {
        Json = json;
        ETag = etag;
    }

    /// <summary>The document, UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>A quoted strong entity tag derived from the bytes.</summary>
    public string ETag { get; }

    /// <summary>Renders the document for <paramref name="publicAddr"/>, listing <paramref name="algorithms"/>.</summary>
    public static DiscoveryDocument Render(PublicAddr publicAddr, IEnumerable<string> algorithms)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("issuer", WorkloadIssuer.Issuer(publicAddr));
            writer.WriteString("jwks_uri", publicAddr.Combine(WorkloadIssuer.KeySetPath));
            WriteArray(writer, "claims_supported", ["iss", "sub", "jti", "aud", "exp", "iat"]);
            WriteArray(writer, "id_token_signing_alg_values_supported", algorithms.Distinct(StringComparer.Ordinal));
            WriteArray(writer, "response_types_supported", ["id_token"]);
            WriteArray(writer, "subject_types_supported", ["public"]);
            writer.WriteEndObject();
        }

        var json = buffer.ToArray();
        return new DiscoveryDocument(json, EntityTag.Of(json));
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
