using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// The body of <see cref="WorkloadApiPaths.JwtSvids"/>, as sent: <c>{"audiences":[…],"ttl":"5m","spiffe_id":"…","workload":{"unix":{…}}}</c>.
/// What a server trusts is the <see cref="SvidRequest"/> that <see cref="SvidRequest.TryParse"/> makes of it.
/// </summary>
/// <param name="Audiences">The audiences of the SVIDs; at least one. A body without them reads as <c>null</c> (and is refused).</param>
/// <param name="Ttl">A lifetime such as <c>5m</c>; left out, the server's default.</param>
/// <param name="SpiffeId">Only this SPIFFE ID, of those the caller may have.</param>
/// <param name="Workload">The attested workload, sent only by an agent with its bot credential.</param>
public sealed record JwtSvidRequest(
    [property: JsonPropertyName("audiences")] IReadOnlyList<string> Audiences,
    [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ttl = null,
    [property: JsonPropertyName("spiffe_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SpiffeId = null,
    [property: JsonPropertyName("workload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WorkloadAttestation? Workload = null);
