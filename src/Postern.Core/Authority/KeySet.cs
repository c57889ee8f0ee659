using System.Text.Json;

namespace Postern.Authority;

/// <summary>Renders an authority's published key set (JWKS).</summary>
public static class KeySet
{
    /// <summary>
    /// Renders <paramref name="keys"/> as <c>{"keys":[…]}</c>, each with <c>kid</c>, <c>alg</c> and
    /// <c>use</c> set to <paramref name="use"/> (<c>sig</c> for JWKS endpoints).
    /// </summary>
    public static CachedJson Render(IEnumerable<AuthorityKey> keys, string use = "sig") => CachedJson.Write(writer =>
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
    });
}
