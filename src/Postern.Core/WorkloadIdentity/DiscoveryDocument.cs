using System.Text.Json;
using Postern.Configuration;

namespace Postern.WorkloadIdentity;

/// <summary>
/// Renders the OIDC discovery document of the workload identity issuer: the fields that AWS, GCP
/// and Azure read of an external OIDC issuer.
/// </summary>
public static class DiscoveryDocument
{
    /// <summary>Renders the document for <paramref name="publicAddr"/>, listing <paramref name="algorithms"/>.</summary>
    public static CachedJson Render(PublicAddr publicAddr, IEnumerable<string> algorithms) => CachedJson.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("issuer", WorkloadIssuer.Issuer(publicAddr));
        writer.WriteString("jwks_uri", publicAddr.Combine(WorkloadIssuer.KeySetPath));
        WriteArray(writer, "claims_supported", ["iss", "sub", "jti", "aud", "exp", "iat"]);
        WriteArray(writer, "id_token_signing_alg_values_supported", algorithms.Distinct(StringComparer.Ordinal));
        WriteArray(writer, "response_types_supported", ["id_token"]);
        WriteArray(writer, "subject_types_supported", ["public"]);
        writer.WriteEndObject();
    });

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
