using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One bot in the answer of <c>GET /v1/admin/bots</c> (<c>postern bots ls</c>), a list of them.</summary>
/// <param name="Name">The bot's name.</param>
/// <param name="Roles">The bot's roles.</param>
/// <param name="Locked">Whether the bot is locked.</param>
public sealed record BotSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("locked")] bool Locked);
