using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One authority in the answer of <c>GET /v1/admin/authorities</c> (<c>postern ca ls</c>), a list of them.</summary>
/// <param name="Type"><c>jwt</c> or <c>workload</c>.</param>
/// <param name="Phase">The rotation phase: <c>standby</c>, <c>init</c>, <c>update_clients</c> or <c>rollback</c>.</param>
/// <param name="Mode"><c>auto</c> or <c>manual</c> while a rotation is under way; <c>null</c> otherwise.</param>
/// <param name="Grace">The rotation's grace period, such as <c>30m</c>; <c>null</c> when none is under way.</param>
/// <param name="PhaseSince">When the current phase began; <c>null</c> when no rotation is under way.</param>
/// <param name="NextStep">The phase the next automatic step moves to; <c>null</c> when none is due.</param>
/// <param name="NextStepDue">When that step is due.</param>
/// <param name="NewKeyAlgorithm">The algorithm of keys made from now on.</param>
/// <param name="Keys">The authority's keys.</param>
public sealed record AuthoritySummary(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("mode")] string? Mode,
    [property: JsonPropertyName("grace")] string? Grace,
    [property: JsonPropertyName("phase_since")] DateTimeOffset? PhaseSince,
    [property: JsonPropertyName("next_step")] string? NextStep,
    [property: JsonPropertyName("next_step_due")] DateTimeOffset? NextStepDue,
    [property: JsonPropertyName("new_key_algorithm")] string NewKeyAlgorithm,
    [property: JsonPropertyName("keys")] IReadOnlyList<AuthorityKeySummary> Keys);
