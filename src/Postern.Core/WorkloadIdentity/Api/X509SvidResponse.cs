using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>An issued X.509-SVID, as the server hands it back (the private key never travels: the caller holds it).</summary>
/// <param name="SpiffeId">The SPIFFE ID in the leaf's URI SAN.</param>
/// <param name="Certificates">The chain, leaf first, each DER in standard base64 (the Workload API's <c>svid</c> is their concatenation).</param>
/// <param name="Bundle">The trust domain's CA certificates (every phase of a rotation), each DER in standard base64.</param>
/// <param name="Expires">The leaf's <c>notAfter</c>.</param>
/// <param name="Serial">The leaf's serial number in hex: what the audit log names it by.</param>
/// <param name="WorkloadIdentity">The workload identity that granted it.</param>
/// <param name="Hint">The workload identity's hint, if it has one.</param>
public sealed record X509SvidResponse(
    [property: JsonPropertyName("spiffe_id")] string SpiffeId,
    [property: JsonPropertyName("certificates")] IReadOnlyList<string> Certificates,
    [property: JsonPropertyName("bundle")] IReadOnlyList<string> Bundle,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("serial")] string Serial,
    [property: JsonPropertyName("workload_identity")] string WorkloadIdentity,
    [property: JsonPropertyName("hint")] string? Hint);
