using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/users</c> (201).</summary>
/// <param name="Name">The user name.</param>
/// <param name="SignupUrl">The one-time link to set a password; <c>null</c> when one was given.</param>
/// <param name="SignupExpires">When the link stops working; <c>null</c> with it.</param>
public sealed record UserAdded(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("signup_url")] string? SignupUrl,
    [property: JsonPropertyName("signup_expires")] DateTimeOffset? SignupExpires);
