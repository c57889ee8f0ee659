using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>What a bot receives when it joins or renews: the credential and where it belongs.</summary>
/// <param name="Bot">The bot's name.</param>
/// <param name="Credential">The renewable bot credential, presented as a bearer token.</param>
/// <param name="Expires">When the credential stops working unless renewed.</param>
/// <param name="TrustDomain">The trust domain of the SPIFFE IDs the bot may be issued.</param>
public sealed record BotCredentialGrant(
    [property: JsonPropertyName("bot")] string Bot,
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("trust_domain")] string TrustDomain);
