using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/client/login</c> (<c>postern login</c>); answered with a <see cref="ClientLogin"/>.</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The user's password.</param>
/// <param name="Otp">The one-time code, for a user with a second factor.</param>
public sealed record ClientLoginRequest(
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("otp")] string? Otp = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out ClientLoginRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.ClientLoginRequest,
            static r => string.IsNullOrEmpty(r.Username) ? "username: required" : string.IsNullOrEmpty(r.Password) ? "password: required" : null,
            out request, out error);
}
