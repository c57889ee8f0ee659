using System.Text.Json.Serialization;

namespace Postern.Agent.Server;

// The JSON bodies of the server's bot and workload identity API, as the agent sends and reads them.

internal sealed record JoinRequest([property: JsonPropertyName("token")] string Token);

internal sealed record BotCredentialResponse(
    [property: JsonPropertyName("bot")] string Bot,
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("trust_domain")] string TrustDomain);

internal sealed record SvidRequest(
    [property: JsonPropertyName("audiences")] IReadOnlyList<string> Audiences,
    [property: JsonPropertyName("workload")] WorkloadAttributes Workload);

internal sealed record WorkloadAttributes([property: JsonPropertyName("unix")] UnixAttributes Unix);

internal sealed record UnixAttributes(
    [property: JsonPropertyName("uid")] uint Uid,
    [property: JsonPropertyName("gid")] uint Gid,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("exe")] string? Exe);

internal sealed record SvidResponse([property: JsonPropertyName("svids")] IReadOnlyList<SvidItem>? Svids);

internal sealed record SvidItem(
    [property: JsonPropertyName("spiffe_id")] string? SpiffeId,
    [property: JsonPropertyName("jwt_svid")] string? JwtSvid,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("jti")] string? Jti,
    [property: JsonPropertyName("workload_identity")] string? WorkloadIdentity,
    [property: JsonPropertyName("hint")] string? Hint);

internal sealed record PolicyResponse([property: JsonPropertyName("revision")] long Revision);

internal sealed record ErrorResponse([property: JsonPropertyName("error")] string? Error);
