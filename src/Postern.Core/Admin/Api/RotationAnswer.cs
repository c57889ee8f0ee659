using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/authorities/TYPE/rotate</c>.</summary>
/// <param name="From">The phase the authority left.</param>
/// <param name="Authority">The authority as it now is.</param>
/// <param name="Warning">Something the administrator should know (such as a grace period made longer); <c>null</c> when nothing.</param>
public sealed record RotationAnswer(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("authority")] AuthoritySummary Authority,
    [property: JsonPropertyName("warning")] string? Warning);
