namespace Postern.Verification;

/// <summary>The outcome of looking up a <c>kid</c> in a <see cref="JsonWebKeySetCache"/>.</summary>
internal readonly record struct KeyLookup(KeyLookupStatus Status, VerificationKey? Key)
{
    public static KeyLookup KeySetUnavailable => new(KeyLookupStatus.KeySetUnavailable, null);

    public static KeyLookup UnknownKeyId => new(KeyLookupStatus.UnknownKeyId, null);

    public static KeyLookup Found(VerificationKey key) => new(KeyLookupStatus.Found, key);
}
