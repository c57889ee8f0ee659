using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Postern.Verification;

/// <summary>
/// One fetched key set, immutable: the usable keys by <c>kid</c> and the time the set goes
/// stale. Replaced as a whole on refresh, so readers never lock.
/// </summary>
internal sealed class KeySetSnapshot(FrozenDictionary<string, VerificationKey> keys, DateTimeOffset expiresAt)
{
    public int Count => keys.Count;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool IsFreshAt(DateTimeOffset now) => now < ExpiresAt;

    public bool TryGetKey(string keyId, [NotNullWhen(true)] out VerificationKey? key) => keys.TryGetValue(keyId, out key);
}
