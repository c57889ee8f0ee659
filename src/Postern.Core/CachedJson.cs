using System.Text.Json;

namespace Postern;

/// <summary>A JSON document rendered once to UTF-8 bytes, with a strong <c>ETag</c>, so that serving it is a copy of bytes.</summary>
public sealed class CachedJson
{
    private CachedJson(byte[] json)
    {
        Json = json;
        ETag = EntityTag.Of(json);
    }

    /// <summary>The document, UTF-8.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>A quoted strong entity tag derived from the bytes.</summary>
    public string ETag { get; }

    /// <summary>Renders a document with <paramref name="write"/>.</summary>
    public static CachedJson Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new CachedJson(buffer.ToArray());
    }
}
