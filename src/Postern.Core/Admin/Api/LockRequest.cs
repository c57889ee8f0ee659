using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/locks</c> (<c>postern lock</c>); answered with a <see cref="LockPlaced"/>.</summary>
/// <param name="Target"><c>user/NAME</c> or <c>bot/NAME</c>.</param>
/// <param name="Ttl">Lift the lock after this long, such as <c>1h</c>; left out, until unlocked.</param>
/// <param name="Message">Why, for the audit log.</param>
public sealed record LockRequest(
    [property: JsonPropertyName("target")] string? Target,
    [property: JsonPropertyName("ttl")] string? Ttl = null,
    [property: JsonPropertyName("message")] string? Message = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out LockRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.LockRequest, static _ => null, out request, out error);
}
