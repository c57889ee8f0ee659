using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postern.Server.State;

/// <summary>How the server's own small records (sessions, locks, codes) are written to the store.</summary>
internal static class StoreJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>The record, or <c>null</c> when the stored bytes are not one (logged by the caller as corrupt).</summary>
    public static T? TryDeserialize<T>(ReadOnlyMemory<byte> json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json.Span, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
