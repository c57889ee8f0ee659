using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/users</c> (<c>postern users add</c>). What the values may be is the user service's to say.</summary>
/// <param name="Name">The user name.</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="Traits">The user's traits, each a list of values.</param>
/// <param name="Password">The password; without it the answer carries a one-time sign-up link.</param>
/// <param name="RequireTotp">Whether the user must have a second factor; left out, no.</param>
public sealed record AddUserRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string>? Roles,
    [property: JsonPropertyName("traits")] IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("require_totp")] bool? RequireTotp = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out AddUserRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.AddUserRequest, r => AdminApiJson.NullIn(r.Roles, r.Traits), out request, out error);
}
