namespace Postern.Verification;

/// <summary>What a key set lookup found.</summary>
internal enum KeyLookupStatus
{
    /// <summary>No key set has ever been fetched: nothing can be verified.</summary>
    KeySetUnavailable,

    /// <summary>The key set went stale and could not be refreshed within the staleness horizon: its keys are no longer trusted.</summary>
    KeySetStale,

    /// <summary>The key set, fresh or refetched, holds no key with that <c>kid</c>.</summary>
    UnknownKeyId,

    /// <summary>The key was found.</summary>
    Found,
}
