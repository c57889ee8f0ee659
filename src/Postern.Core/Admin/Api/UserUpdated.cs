using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>PUT /v1/admin/users/NAME</c>: the user as it now is.</summary>
/// <param name="Name">The user name.</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="Traits">The user's traits.</param>
/// <param name="RequireTotp">Whether a second factor is required.</param>
public sealed record UserUpdated(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("traits")] IReadOnlyDictionary<string, IReadOnlyList<string>> Traits,
    [property: JsonPropertyName("require_totp")] bool RequireTotp);
