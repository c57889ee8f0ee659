using System.Text.Json;

namespace Postern.Authority;

/// <summary>
/// An authority's published key set, rendered once to JSON bytes with a strong <c>ETag</c>,
/// so that serving it is a copy of bytes.
/// </summary>
public sealed class KeySet
{
    private KeySet(byte[] json, string etag)
    {
        Json = json;
        ETag = etag;
    }

    /// <summary>The JWKS document, UTF-8.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>A quoted strong entity tag derived from the bytes.</summary>
    public string ETag { get; }

    /// <summary>
    /// Renders <paramref name="keys"/> as <c>{"keys":[…]}</c>, each with <c>kid</c>, <c>alg</c> and
    /// <c>use</c> set to <paramref name="use"/> (<c>sig</c> for JWKS endpoints).
    /// </summary>
    public static KeySet Render(IEnumerable<AuthorityKey> keys, string use = "sig")
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                foreach (var member in key.PublicJwk.OrderBy(m => m.Key == "kty" ? "" : m.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(member.Key, member.Value);
                }

                writer.WriteString("alg", key.Alg);
                writer.WriteString("use", use);
                writer.WriteString("kid", key.Kid);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var json = buffer.ToArray();
        return new KeySet(json, EntityTag.Of(json));
    }
}
