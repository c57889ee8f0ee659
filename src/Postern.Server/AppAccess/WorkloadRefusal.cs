using System.Text.Json.Serialization;

namespace Postern.Server.AppAccess;

/// <summary>The body of a refusal at the app door for a workload: why.</summary>
internal sealed record WorkloadRefusal([property: JsonPropertyName("error")] string Error);
