using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/apps/{app}/doctor</c>: each probe's result, and what is wrong.</summary>
/// <param name="App">The app probed.</param>
/// <param name="User">Whose genuine assertion was sent.</param>
/// <param name="Path">The path asked for.</param>
/// <param name="Probes">Every probe, the genuine one first.</param>
/// <param name="Accepted">The forgeries the app accepted, by name.</param>
/// <param name="Problems">What is wrong, in words: each accepted forgery, a genuine assertion refused, a probe not answered.</param>
/// <param name="Ok">Whether the app answered the genuine assertion and refused every forgery.</param>
public sealed record DoctorReport(
    [property: JsonPropertyName("app")] string App,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("probes")] IReadOnlyList<ProbeResult> Probes,
    [property: JsonPropertyName("accepted")] IReadOnlyList<string> Accepted,
    [property: JsonPropertyName("problems")] IReadOnlyList<string> Problems,
    [property: JsonPropertyName("ok")] bool Ok);
