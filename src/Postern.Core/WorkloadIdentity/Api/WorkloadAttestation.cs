using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The <c>workload</c> member of a <see cref="JwtSvidRequest"/>: what an agent attested of the workload it asks for.</summary>
/// <param name="Unix">The workload's Unix attributes.</param>
public sealed record WorkloadAttestation([property: JsonPropertyName("unix")] UnixAttestation? Unix);
