using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/users/NAME/totp/reset</c> (<c>postern users reset-totp</c>).</summary>
/// <param name="Name">The user name.</param>
/// <param name="HadTotp">Whether there was a second factor to remove.</param>
/// <param name="RequireTotp">Whether the user must set one up again at the next sign-in.</param>
public sealed record TotpReset(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("had_totp")] bool HadTotp,
    [property: JsonPropertyName("require_totp")] bool RequireTotp);
