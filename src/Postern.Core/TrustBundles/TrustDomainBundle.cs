namespace Postern.TrustBundles;

/// <summary>
/// What a trust domain's bundle holds (SPIFFE Trust Domain and Bundle, section 4): the keys that sign its JWT-SVIDs,
/// the CA certificates its X.509-SVIDs chain to, a sequence number that grows whenever either list changes, and how
/// often a consumer should fetch it again.
/// </summary>
public sealed record TrustDomainBundle
{
    /// <summary>The trust domain's name, e.g. <c>example.com</c>.</summary>
    public required string TrustDomain { get; init; }

    /// <summary>The keys JWT-SVIDs are signed with (<c>use: jwt-svid</c>).</summary>
    public IReadOnlyList<JwtAuthority> JwtAuthorities { get; init; } = [];

    /// <summary>The CA certificates X.509-SVIDs chain to (<c>use: x509-svid</c>).</summary>
    public IReadOnlyList<X509Authority> X509Authorities { get; init; } = [];

    /// <summary><c>spiffe_sequence</c>; null when the document had none.</summary>
    public long? Sequence { get; init; }

    /// <summary><c>spiffe_refresh_hint</c>; null when the document had none.</summary>
    public TimeSpan? RefreshHint { get; init; }

    /// <summary><c>spiffe://</c> and the trust domain: the key a bundle is known by in the Workload API.</summary>
    public string TrustDomainId => "spiffe://" + TrustDomain;
}
