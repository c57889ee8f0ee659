using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer (201) of <c>POST /v1/admin/bots</c> and <c>POST /v1/admin/bots/NAME/tokens</c>: a one-time join token.</summary>
/// <param name="Name">The bot's name.</param>
/// <param name="Token">The one-time join token, for <c>postern agent --join-token</c>.</param>
/// <param name="Expires">When the token stops working unless used.</param>
public sealed record JoinTokenIssued(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires);
