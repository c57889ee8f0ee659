using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Postern.Verification;

/// <summary>
/// The claims of a token's payload, each read with its JSON type checked. A claim whose
/// value is <c>null</c> counts as absent; whether a claim is required is the validator's
/// decision, not this type's.
/// </summary>
internal sealed record TokenClaims(
    JsonElement Raw,
    string? Subject,
    string? Issuer,
    IReadOnlyList<string>? Audiences,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset? IssuedAt,
    string? TokenId,
    string? UserName,
    IReadOnlyList<string> Roles,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Traits)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 32 };
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoTraits = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Reads a payload segment already checked as base64url.</summary>
    public static bool TryRead(ReadOnlySpan<char> segment, [NotNullWhen(true)] out TokenClaims? claims, [NotNullWhen(false)] out string? error)
    {
        claims = null;
        if (!TryParseJson(segment, out var root))
        {
            error = "The token's payload is not valid UTF-8 JSON (or repeats a claim).";
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The token's payload is not a JSON object.";
            return false;
        }

        if (!TryString(root, "sub", out var subject, out error)
            || !TryString(root, "iss", out var issuer, out error)
            || !TryStringOrStrings(root, "aud", out var audiences, out error)
            || !TryNumericDate(root, "exp", out var expiresAt, out error)
            || !TryNumericDate(root, "nbf", out var notBefore, out error)
            || !TryNumericDate(root, "iat", out var issuedAt, out error)
            || !TryString(root, "jti", out var tokenId, out error)
            || !TryString(root, "username", out var userName, out error)
            || !TryStrings(root, "roles", out var roles, out error)
            || !TryTraits(root, out var traits, out error))
        {
            return false;
        }

        claims = new TokenClaims(root, subject, issuer, audiences, expiresAt, notBefore, issuedAt, tokenId, userName, roles ?? [], traits ?? NoTraits);
        return true;
    }

    private static bool TryParseJson(ReadOnlySpan<char> segment, out JsonElement root)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Base64UrlSegment.DecodedLength(segment));
        try
        {
            var length = Base64UrlSegment.Decode(segment, buffer);
            if (!Utf8.IsValid(buffer.AsSpan(0, length)))
            {
                // Read as JSON, a stray byte would throw InvalidOperationException only when its claim is read.
                root = default;
                return false;
            }

            root = JsonElement.Parse(buffer.AsSpan(0, length), JsonOptions);
            return true;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryGet(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static bool TryString(JsonElement root, string name, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!TryGet(root, name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"The '{name}' claim must be a string.";
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static bool TryStrings(JsonElement root, string name, out IReadOnlyList<string>? values, [NotNullWhen(false)] out string? error)
    {
        values = null;
        error = null;
        return !TryGet(root, name, out var element) || TryReadStrings(element, $"The '{name}' claim must be an array of strings.", out values, out error);
    }

    private static bool TryStringOrStrings(JsonElement root, string name, out IReadOnlyList<string>? values, [NotNullWhen(false)] out string? error)
    {
        values = null;
        error = null;
        if (!TryGet(root, name, out var element))
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            values = [element.GetString()!];
            return true;
        }

        return TryReadStrings(element, $"The '{name}' claim must be a string or an array of strings.", out values, out error);
    }

    private static bool TryReadStrings(JsonElement element, string problem, out IReadOnlyList<string>? values, [NotNullWhen(false)] out string? error)
    {
        values = null;
        error = problem;
        if (element.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var result = new string[element.GetArrayLength()];
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            result[index++] = item.GetString()!;
        }

        values = result;
        error = null;
        return true;
    }

    private static bool TryNumericDate(JsonElement root, string name, out DateTimeOffset? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!TryGet(root, name, out var element))
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var seconds) && IsRepresentable(seconds))
        {
            value = DateTimeOffset.UnixEpoch.AddSeconds(seconds);
            return true;
        }

        error = $"The '{name}' claim must be a number of seconds since 1970-01-01T00:00:00Z.";
        return false;
    }

    private static bool IsRepresentable(double seconds) =>
        seconds >= (DateTimeOffset.MinValue - DateTimeOffset.UnixEpoch).TotalSeconds
        && seconds <= (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).TotalSeconds - 1;

    private static bool TryTraits(JsonElement root, out IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, [NotNullWhen(false)] out string? error)
    {
        traits = null;
        error = null;
        if (!TryGet(root, "traits", out var element))
        {
            return true;
        }

        const string Problem = "The 'traits' claim must be an object whose values are arrays of strings.";
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = Problem;
            return false;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var trait in element.EnumerateObject())
        {
            IReadOnlyList<string>? values = [];
            if (trait.Value.ValueKind != JsonValueKind.Null && !TryReadStrings(trait.Value, Problem, out values, out error))
            {
                return false;
            }

            result[trait.Name] = values!;
        }

        traits = result;
        return true;
    }
}
