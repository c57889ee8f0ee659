using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One lock in the answer of <c>GET /v1/admin/locks</c>, a list of them.</summary>
/// <param name="Target">What is locked: <c>user/NAME</c> or <c>bot/NAME</c>.</param>
/// <param name="Created">When the lock was placed.</param>
/// <param name="Expires">When it lifts; <c>null</c> for one that lasts until unlocked.</param>
/// <param name="Message">Why, as given.</param>
public sealed record LockSummary(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("expires")] DateTimeOffset? Expires,
    [property: JsonPropertyName("message")] string? Message);
