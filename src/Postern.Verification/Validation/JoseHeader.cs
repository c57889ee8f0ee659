using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Postern.Verification;

/// <summary>
/// The members of a JOSE header that verification uses: <c>alg</c> (required, a string),
/// <c>kid</c> and <c>typ</c> (strings when present). A header that repeats one of them, or
/// lists critical extensions (<c>crit</c>, none of which this verifier implements), is refused.
/// </summary>
internal readonly record struct JoseHeader(string Algorithm, string? KeyId, string? Type)
{
    private const int HeaderStackLimit = 512;

    public static bool TryParse(ReadOnlySpan<char> segment, out JoseHeader header, [NotNullWhen(false)] out string? error)
    {
        header = default;
        if (segment.IsEmpty || !Base64UrlSegment.IsValid(segment))
        {
            error = "The token's header segment is not canonical base64url (A-Z, a-z, 0-9, '-', '_'; no padding; the last character's unused bits zero).";
            return false;
        }

        var length = Base64UrlSegment.DecodedLength(segment);
        Span<byte> json = length <= HeaderStackLimit ? stackalloc byte[length] : new byte[length];
        json = json[..Base64UrlSegment.Decode(segment, json)];

        // Utf8JsonReader leaves the UTF-8 inside strings unchecked until a string is read, and then throws
        // InvalidOperationException (found by fuzzing: a kid with a stray byte; fuzz/regressions/jws).
        if (!Utf8.IsValid(json))
        {
            error = "The token's header is not UTF-8 text.";
            return false;
        }

        try
        {
            return TryRead(json, out header, out error);
        }
        catch (JsonException)
        {
            error = "The token's header is not valid JSON.";
            return false;
        }
    }

    private static bool TryRead(ReadOnlySpan<byte> json, out JoseHeader header, [NotNullWhen(false)] out string? error)
    {
        header = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "The token's header is not a JSON object.";
            return false;
        }

        string? algorithm = null, keyId = null, type = null;
        bool seenAlgorithm = false, seenKeyId = false, seenType = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("alg"u8))
            {
                if (!TryReadString(ref reader, "alg", ref seenAlgorithm, out algorithm, out error))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("kid"u8))
            {
                if (!TryReadString(ref reader, "kid", ref seenKeyId, out keyId, out error))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("typ"u8))
            {
                if (!TryReadString(ref reader, "typ", ref seenType, out type, out error))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("crit"u8))
            {
                error = "The token's header lists critical extensions ('crit'), which this verifier does not implement.";
                return false;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Reading past the closing brace makes the reader refuse any trailing content.
        while (reader.Read())
        {
        }

        if (algorithm is null)
        {
            error = "The token's header has no 'alg'.";
            return false;
        }

        header = new JoseHeader(algorithm, keyId, type);
        error = null;
        return true;
    }

    private static bool TryReadString(ref Utf8JsonReader reader, string name, ref bool seen, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        reader.Read();
        if (seen)
        {
            error = $"The token's header has '{name}' more than once.";
            return false;
        }

        seen = true;
        if (reader.TokenType != JsonTokenType.String)
        {
            error = $"The token's header '{name}' is not a string.";
            return false;
        }

        value = reader.GetString();
        error = null;
        return true;
    }
}
