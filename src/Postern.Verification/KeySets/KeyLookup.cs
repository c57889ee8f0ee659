namespace Postern.Verification;

/// <summary>
/// The outcome of looking up a <c>kid</c> in a <see cref="JsonWebKeySetCache"/>; when no key set
/// can be used, <see cref="Detail"/> says why.
/// </summary>
internal readonly record struct KeyLookup(KeyLookupStatus Status, VerificationKey? Key, string? Detail = null)
{
    public static KeyLookup UnknownKeyId => new(KeyLookupStatus.UnknownKeyId, null);

    public static KeyLookup KeySetUnavailable(string? reason) => new(KeyLookupStatus.KeySetUnavailable, null, reason);

    public static KeyLookup KeySetStale(string detail) => new(KeyLookupStatus.KeySetStale, null, detail);

    public static KeyLookup Found(VerificationKey key) => new(KeyLookupStatus.Found, key);
}
