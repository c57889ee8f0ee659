using System.Text.Json.Serialization;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Server;

/// <summary>
/// The agent's bot credential, as kept in <c>agent.json</c> in the data folder: renewed half-way
/// through its life, and used again after a restart so that no new join token is needed.
/// </summary>
internal sealed record BotCredential
{
    [JsonPropertyName("server")]
    public required string Server { get; init; }

    [JsonPropertyName("bot")]
    public required string Bot { get; init; }

    [JsonPropertyName("credential")]
    public required string Credential { get; init; }

    [JsonPropertyName("trust_domain")]
    public required string TrustDomain { get; init; }

    [JsonPropertyName("issued")]
    public required DateTimeOffset Issued { get; init; }

    [JsonPropertyName("expires")]
    public required DateTimeOffset Expires { get; init; }

    [JsonIgnore]
    public DateTimeOffset RenewAt => Issued + ((Expires - Issued) / 2);

    public static BotCredential From(BotCredentialGrant answer, Uri server, DateTimeOffset now) => new()
    {
        Server = server.ToString(),
        Bot = answer.Bot,
        Credential = answer.Credential,
        TrustDomain = answer.TrustDomain,
        Issued = now,
        Expires = answer.Expires,
    };
}
