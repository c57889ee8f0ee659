namespace Postern.TrustBundles;

/// <summary>A CA certificate that X.509-SVIDs of a trust domain chain to, in DER.</summary>
public sealed record X509Authority(byte[] Certificate);
