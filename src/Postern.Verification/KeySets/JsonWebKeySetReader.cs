using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>
/// Parses a JWKS document into its usable keys, in document order, logging every key it
/// skips; of keys sharing a <c>kid</c>, the first is kept. A document that is not a key set
/// (a JSON object with a <c>keys</c> array, RFC 7517 section 5) throws <see cref="JsonException"/>.
/// </summary>
internal static class JsonWebKeySetReader
{
    public static IReadOnlyList<UsableKey> Read(string json, string source, ILogger logger)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document, source, logger);
    }

    /// <inheritdoc cref="Read(string, string, ILogger)"/>
    public static IReadOnlyList<UsableKey> Read(ReadOnlyMemory<byte> utf8Json, string source, ILogger logger)
    {
        // JsonDocument leaves the UTF-8 inside strings unchecked until a string is read, and then throws
        // InvalidOperationException (found by fuzzing: a kid with a stray byte; fuzz/regressions/jwks).
        if (!Utf8.IsValid(utf8Json.Span))
        {
            throw new JsonException("the document is not UTF-8 text.");
        }

        using var document = JsonDocument.Parse(utf8Json);
        return Read(document, source, logger);
    }

    private static IReadOnlyList<UsableKey> Read(JsonDocument document, string source, ILogger logger)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("a JWKS is a JSON object with a \"keys\" array.");
        }

        var usable = new List<UsableKey>();
        var keyIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in keys.EnumerateArray())
        {
            if (!TryRead(element, out var key, out var jwk, out var reason))
            {
                logger.KeySkipped(jwk?.Kid, source, reason);
            }
            else if (!keyIds.Add(key.KeyId))
            {
                logger.DuplicateKeyId(key.KeyId, source);
            }
            else
            {
                usable.Add(new UsableKey(key, element.Clone()));
            }
        }

        return usable;
    }

    private static bool TryRead(JsonElement element, out VerificationKey key, out JsonWebKey? jwk, out string reason)
    {
        key = null!;
        jwk = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = "it is not a JSON object.";
            return false;
        }

        try
        {
            jwk = new JsonWebKey(element.GetRawText());
        }
        catch (ArgumentException)
        {
            reason = "it is not a JWK (a member has the wrong JSON type).";
            return false;
        }

        if (!JsonWebKeyReader.TryRead(jwk, out var read, out var problem))
        {
            reason = problem;
            return false;
        }

        key = read;
        reason = "";
        return true;
    }
}
