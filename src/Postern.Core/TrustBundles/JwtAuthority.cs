namespace Postern.TrustBundles;

/// <summary>A key that signs JWT-SVIDs in a trust domain: its <c>kid</c> and its public JWK members (no <c>use</c>).</summary>
public sealed record JwtAuthority(string KeyId, IReadOnlyDictionary<string, string> PublicJwk);
