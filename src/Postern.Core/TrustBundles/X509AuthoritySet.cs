namespace Postern.TrustBundles;

/// <summary>The CA certificates in the bundle now, and a number that grows whenever they change (a store revision suits).</summary>
public sealed record X509AuthoritySet(IReadOnlyList<X509Authority> Authorities, long Revision)
{
    /// <summary>No certificate.</summary>
    public static X509AuthoritySet None { get; } = new([], 0);
}
