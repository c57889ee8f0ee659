using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// The JSON of the workload identity API, generated at build time, for server, agent and tests alike. Every member names
/// its wire name (<c>[JsonPropertyName]</c>), so a record reads and writes the same with any serializer. A member that a
/// record does not have is refused (<see cref="JsonUnmappedMemberHandling.Disallow"/>): the server reads every request
/// through <see cref="JsonSerializerContext"/>'s <c>Default</c>, so a misspelt field is an error, never ignored.
/// Clients read the server's answers through <see cref="Answers"/>, which skips members it does not know, so that an
/// agent keeps working against a newer server that adds a field to an answer (agents are upgraded after servers).
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(BotCredentialGrant))]
[JsonSerializable(typeof(JwtSvidRequest))]
[JsonSerializable(typeof(JwtSvidResponse))]
[JsonSerializable(typeof(X509SvidRequest))]
[JsonSerializable(typeof(X509SvidResponse))]
[JsonSerializable(typeof(X509BundleDocument))]
[JsonSerializable(typeof(PolicyRevision))]
[JsonSerializable(typeof(ApiError))]
public sealed partial class WorkloadApiJsonContext : JsonSerializerContext
{
    /// <summary>The same contract for reading answers: members added by a newer server are skipped.</summary>
    public static WorkloadApiJsonContext Answers { get; } = new(new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip });
}
