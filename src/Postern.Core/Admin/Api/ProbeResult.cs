using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One probe of a <see cref="DoctorReport"/>: what was sent, what the app answered and what that means.</summary>
/// <param name="Name">The probe: <c>genuine</c>, <c>no_assertion</c>, <c>tampered_signature</c>, <c>alg_none</c>, <c>expired</c>,
/// <c>other_audience</c>, <c>wrong_issuer</c>, <c>unknown_key</c>, <c>second_header</c>.</param>
/// <param name="Sent">What the request carried, in words.</param>
/// <param name="Status">The app's status code; 0 when it did not answer.</param>
/// <param name="Verdict"><c>baseline</c> (the genuine probe), <c>refused</c>, <c>accepted</c> (the same answer as the genuine one) or <c>no_answer</c>.</param>
public sealed record ProbeResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sent")] string Sent,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("verdict")] string Verdict);
