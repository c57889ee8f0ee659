using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The answer of <see cref="WorkloadApiPaths.X509Bundle"/>: the trust domain's X.509 CA certificates (every phase of a rotation).</summary>
/// <param name="TrustDomain">The trust domain, e.g. <c>example.org</c>.</param>
/// <param name="Certificates">The CA certificates, the signing one first, each DER in standard base64.</param>
public sealed record X509BundleDocument(
    [property: JsonPropertyName("trust_domain")] string TrustDomain,
    [property: JsonPropertyName("certificates")] IReadOnlyList<string> Certificates);
