using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One header line or one claim of an assertion report, and the bytes it takes.</summary>
/// <param name="Name">The header's name (<c>Teleport-Jwt-Assertion</c>) or the claim's path (<c>traits.groups</c>).</param>
/// <param name="Bytes">For a header, its whole line (<c>Name: value</c> and CRLF); for a claim, its JSON in the payload.</param>
public sealed record SizedItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("bytes")] int Bytes);
