using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Postern.Agent.Bundles;

namespace Postern.Agent.Validation;

/// <summary>
/// Checks a JWT-SVID against a JWT bundle, as the SPIFFE JWT-SVID specification asks: a JWS signed
/// with RS256 or ES256 by a key of the bundle named by <c>kid</c>, not expired, carrying the audience,
/// with a <c>sub</c> that is a SPIFFE ID of the bundle's trust domain.
/// </summary>
internal sealed class JwtSvidValidator(TimeProvider time)
{
    private static readonly string[] Algorithms = ["RS256", "ES256"];

    public JwtSvidValidation Validate(string token, string audience, JwtBundle bundle)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return JwtSvidValidation.Invalid("the token is not a compact JWS (three base64url parts)");
        }

        if (!TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            return JwtSvidValidation.Invalid("the token is not valid base64url");
        }

        JsonDocument header;
        JsonDocument payload;
        try
        {
            header = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException)
        {
            return JwtSvidValidation.Invalid("the token's header is not JSON");
        }

        using (header)
        {
            try
            {
                payload = JsonDocument.Parse(payloadBytes);
            }
            catch (JsonException)
            {
                return JwtSvidValidation.Invalid("the token's payload is not JSON");
            }

            using (payload)
            {
                return Validate(header.RootElement, payload.RootElement, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, audience, bundle, payloadBytes);
            }
        }
    }

    private JwtSvidValidation Validate(JsonElement header, JsonElement claims, byte[] signingInput, byte[] signature, string audience, JwtBundle bundle, byte[] payloadBytes)
    {
        if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object)
        {
            return JwtSvidValidation.Invalid("the token's header and payload must be JSON objects");
        }

        var algorithm = Text(header, "alg");
        if (algorithm is null || !Algorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            return JwtSvidValidation.Invalid($"unsupported token algorithm '{algorithm}': only RS256 and ES256 are accepted");
        }

        var keyId = Text(header, "kid");
        if (string.IsNullOrEmpty(keyId))
        {
            return JwtSvidValidation.Invalid("the token has no key ID (kid)");
        }

        if (!bundle.Keys.TryGetValue(keyId, out var key))
        {
            return JwtSvidValidation.Invalid($"no key '{keyId}' in the bundle of trust domain '{bundle.TrustDomain}'");
        }

        if (!key.Verifies(algorithm, signingInput, signature))
        {
            return JwtSvidValidation.Invalid("the token's signature does not verify with its key");
        }

        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var expSeconds))
        {
            return JwtSvidValidation.Invalid("the token has no expiry (exp)");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (now >= expSeconds)
        {
            return JwtSvidValidation.Invalid("the token has expired");
        }

        if (!HasAudience(claims, audience))
        {
            return JwtSvidValidation.Invalid($"the token's audience does not include '{audience}'");
        }

        var subject = Text(claims, "sub");
        if (string.IsNullOrEmpty(subject))
        {
            return JwtSvidValidation.Invalid("the token has no subject (sub)");
        }

        if (Postern.WorkloadIdentity.SpiffeId.Check(subject, out var trustDomain, out var path) is { } reason)
        {
            return JwtSvidValidation.Invalid($"the token's subject is not a SPIFFE ID: {reason}");
        }

        if (path.Length == 0)
        {
            return JwtSvidValidation.Invalid($"the token's subject '{subject}' names a trust domain, not a workload");
        }

        if (!string.Equals(trustDomain, bundle.TrustDomain, StringComparison.Ordinal))
        {
            return JwtSvidValidation.Invalid($"the token's subject belongs to trust domain '{trustDomain}', not '{bundle.TrustDomain}'");
        }

        return JwtSvidValidation.Valid(subject, Encoding.UTF8.GetString(payloadBytes));
    }

    private static bool HasAudience(JsonElement claims, string audience)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => aud.ValueEquals(audience),
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.ValueEquals(audience)),
            _ => false,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryDecode(string part, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(part);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
