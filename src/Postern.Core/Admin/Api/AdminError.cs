using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of every refusal of the admin API: <c>{"error":"…","details":null}</c>, or with each problem in <c>details</c>.</summary>
/// <param name="Error">What is wrong, and what to change.</param>
/// <param name="Details">Every problem found, when there are several; <c>null</c> (written as such) otherwise.</param>
public sealed record AdminError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("details")] IReadOnlyList<string>? Details = null);
