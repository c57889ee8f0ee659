using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postern.Authority;

/// <summary>How authority documents are written to the store.</summary>
internal static class AuthorityJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static byte[] Serialize(CertAuthorityDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, Options);

    public static CertAuthorityDocument Deserialize(ReadOnlyMemory<byte> json, CertAuthorityType type)
    {
        try
        {
            return JsonSerializer.Deserialize<CertAuthorityDocument>(json.Span, Options)
                ?? throw new InvalidDataException($"the stored {type.Name()} authority is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the stored {type.Name()} authority is not readable: {e.Message}", e);
        }
    }
}
