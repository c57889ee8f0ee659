using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The body of every refusal of the workload identity API: <c>{"error":"…"}</c>, with <c>details</c> when there are several reasons.</summary>
/// <param name="Error">What is wrong, and what to change.</param>
/// <param name="Details">Every reason found, when an issuance is denied (403); left out otherwise.</param>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Details = null);
