using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The answer of <see cref="WorkloadApiPaths.Policy"/>: a number that changes whenever policy may have changed.</summary>
/// <param name="Revision">The cluster state's version; an agent drops its cached SVIDs when it moves.</param>
public sealed record PolicyRevision([property: JsonPropertyName("revision")] long Revision);
