using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>GET /v1/admin/whoami</c> (<c>postern status</c>): who the admin API takes the caller for.</summary>
/// <param name="Kind"><c>user</c> or <c>local-admin</c>.</param>
/// <param name="Name">The user name, or <c>local-admin</c>.</param>
/// <param name="Roles">The user's roles (none for <c>local-admin</c>, which may do everything).</param>
/// <param name="Expires">When the credential ends; <c>null</c> for <c>local-admin</c>.</param>
public sealed record Caller(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("expires")] DateTimeOffset? Expires);
