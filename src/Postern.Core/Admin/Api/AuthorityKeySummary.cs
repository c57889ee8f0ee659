using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>One key of an <see cref="AuthoritySummary"/>.</summary>
/// <param name="Kid">The key id.</param>
/// <param name="Alg">The key's algorithm, such as <c>ES256</c>.</param>
/// <param name="State"><c>signing</c>; <c>next</c> (published, signs after <c>update_clients</c>); <c>retiring</c> (published, dropped at the end).</param>
/// <param name="Storage">Where the private key is: <c>store</c> or <c>vault</c>.</param>
/// <param name="Created">When the key was made.</param>
public sealed record AuthorityKeySummary(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("created")] DateTimeOffset Created);
