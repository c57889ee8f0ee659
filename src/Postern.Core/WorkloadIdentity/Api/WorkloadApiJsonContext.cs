using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// The JSON of the workload identity API, generated at build time, for server, agent and tests alike. A member that a
/// record does not have is refused (<see cref="JsonUnmappedMemberHandling.Disallow"/>), in requests and answers.
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(BotCredentialGrant))]
[JsonSerializable(typeof(JwtSvidRequest))]
[JsonSerializable(typeof(JwtSvidResponse))]
[JsonSerializable(typeof(PolicyRevision))]
[JsonSerializable(typeof(ApiError))]
public sealed partial class WorkloadApiJsonContext : JsonSerializerContext
{
}
