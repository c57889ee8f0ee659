using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.WorkloadIdentity;

namespace Postern.TrustBundles;

/// <summary>
/// The trust domain a JWT-SVID <em>claims</em> in its <c>sub</c>, read without checking anything: only to choose the
/// bundle it is then validated against (which checks that <c>sub</c> is in that same trust domain).
/// </summary>
public static class UnverifiedTrustDomain
{
    /// <summary>The longest token looked into.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>The trust domain of the token's <c>sub</c>, or null when the token has no readable SPIFFE ID there.</summary>
    public static string? Of(string token)
    {
        if (token.Length > MaxTokenLength)
        {
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String
                && SpiffeId.Check(sub.GetString()!, out var trustDomain, out _) is null
                ? trustDomain
                : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }
}
