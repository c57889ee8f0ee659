using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>PUT /v1/admin/users/NAME</c> (<c>postern users update</c>): what is left out stays as it is.</summary>
/// <param name="Roles">The user's new roles.</param>
/// <param name="Traits">The user's new traits.</param>
/// <param name="RequireTotp">Whether the user must have a second factor.</param>
public sealed record UpdateUserRequest(
    [property: JsonPropertyName("roles")] IReadOnlyList<string>? Roles,
    [property: JsonPropertyName("traits")] IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits,
    [property: JsonPropertyName("require_totp")] bool? RequireTotp = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out UpdateUserRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.UpdateUserRequest, r => AdminApiJson.NullIn(r.Roles, r.Traits), out request, out error);
}
