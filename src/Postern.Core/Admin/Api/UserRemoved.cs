using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>DELETE /v1/admin/users/NAME</c> (and of <c>DELETE /v1/admin/resources/user/NAME</c>).</summary>
/// <param name="Name">The user name.</param>
/// <param name="SessionsEnded">How many of the user's sessions were ended.</param>
public sealed record UserRemoved(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sessions_ended")] int SessionsEnded);
