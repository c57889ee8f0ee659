using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The answer of <see cref="WorkloadApiPaths.JwtSvids"/>: every SVID the caller may have for the request.</summary>
/// <param name="Svids">At least one; a caller that may have none is refused with 403 and an <see cref="ApiError"/> with details.</param>
public sealed record JwtSvidResponse([property: JsonPropertyName("svids")] IReadOnlyList<IssuedSvid> Svids);
