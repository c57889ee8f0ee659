using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/locks</c> (201).</summary>
/// <param name="Target">What is locked: <c>user/NAME</c> or <c>bot/NAME</c>.</param>
/// <param name="Expires">When the lock lifts; <c>null</c> for one that lasts until unlocked.</param>
/// <param name="SessionsEnded">How many sessions were ended.</param>
public sealed record LockPlaced(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("expires")] DateTimeOffset? Expires,
    [property: JsonPropertyName("sessions_ended")] int SessionsEnded);
