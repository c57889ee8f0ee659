namespace Postern.TrustBundles;

/// <summary>Where a Postern server serves trust bundles.</summary>
public static class TrustBundlePaths
{
    /// <summary>This trust domain's SPIFFE bundle (the bundle endpoint, unauthenticated, as SPIRE's <c>https_web</c> profile reads it).</summary>
    public const string Bundle = "/workload-identity/bundle";
}
