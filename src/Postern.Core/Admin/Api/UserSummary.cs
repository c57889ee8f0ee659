using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One user in the answer of <c>GET /v1/admin/users</c> (<c>postern users ls</c>), a list of them.</summary>
/// <param name="Name">The user name.</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="Traits">The user's traits.</param>
/// <param name="CreatedAt">When the user was added.</param>
/// <param name="HasPassword">Whether a password is set (not one signing in through single sign-on only).</param>
/// <param name="HasTotp">Whether a second factor is set up.</param>
/// <param name="RequireTotp">Whether a second factor is required.</param>
public sealed record UserSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("traits")] IReadOnlyDictionary<string, IReadOnlyList<string>> Traits,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("has_password")] bool HasPassword,
    [property: JsonPropertyName("has_totp")] bool HasTotp,
    [property: JsonPropertyName("require_totp")] bool RequireTotp);
