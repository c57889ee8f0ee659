using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>One issued JWT-SVID, as the server hands it back.</summary>
/// <param name="SpiffeId">The SPIFFE ID in the token's <c>sub</c>.</param>
/// <param name="JwtSvid">The compact JWT.</param>
/// <param name="Expires">When the token expires.</param>
/// <param name="Jti">The token's <c>jti</c>: what the audit log and logs name it by.</param>
/// <param name="WorkloadIdentity">The workload identity that granted it.</param>
/// <param name="Hint">The workload identity's hint, if it has one, so a workload with several SVIDs can tell them apart.</param>
public sealed record IssuedSvid(
    [property: JsonPropertyName("spiffe_id")] string SpiffeId,
    [property: JsonPropertyName("jwt_svid")] string JwtSvid,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("jti")] string Jti,
    [property: JsonPropertyName("workload_identity")] string WorkloadIdentity,
    [property: JsonPropertyName("hint")] string? Hint);
