using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/client/login</c>: a client credential for the admin API, and whom it is for.</summary>
/// <param name="User">The signed-in user.</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="Token">The credential, sent as <c>Authorization: Bearer</c> to <c>/v1/admin/…</c>.</param>
/// <param name="Expires">When it ends at the latest (with its web session).</param>
public sealed record ClientLogin(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires);
