using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// The body of <see cref="WorkloadApiPaths.X509Svids"/>, as sent: <c>{"csr":"…","ttl":"1h","spiffe_id":"…","workload":{"unix":{…}}}</c>.
/// What a server trusts is the <see cref="X509SvidOrder"/> that <see cref="X509SvidOrder.TryParse"/> makes of it.
/// </summary>
/// <param name="Csr">The PKCS#10 certificate signing request, DER in standard base64; its key pair was made by the agent and stays with it.</param>
/// <param name="Ttl">A lifetime such as <c>1h</c>; left out, the server's default (<c>workload_identity.x509.default_ttl</c>).</param>
/// <param name="SpiffeId">This SPIFFE ID, of those the caller may have; left out, the first the caller's workload identities give.</param>
/// <param name="Workload">The attested workload, sent only by an agent with its bot credential.</param>
public sealed record X509SvidRequest(
    [property: JsonPropertyName("csr")] string Csr,
    [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ttl = null,
    [property: JsonPropertyName("spiffe_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SpiffeId = null,
    [property: JsonPropertyName("workload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WorkloadAttestation? Workload = null);
