using Postern.TrustBundles;

namespace Postern.Server.Federation;

/// <summary>A foreign trust domain's accepted bundle, read, with the record it was read from.</summary>
internal sealed record FederatedBundle(TrustDomainBundle Bundle, FederatedBundleRecord Record);
