using Postern.Agent.Caching;

namespace Postern.Agent.Server;

/// <summary>Why a fetch of SVIDs gave none.</summary>
internal enum SvidFetchFailure
{
    None = 0,

    /// <summary>The server (or the agent's own standing with it) refuses this caller.</summary>
    Denied,

    /// <summary>The request was bad input.</summary>
    BadRequest,

    /// <summary>The server is unreachable and nothing usable is cached.</summary>
    Unavailable,
}

/// <summary>The SVIDs for a caller, or why there are none.</summary>
internal sealed record SvidFetchResult(IReadOnlyList<IssuedSvid> Svids, SvidFetchFailure Failure, string Message, bool FromCache)
{
    public static SvidFetchResult Ok(IReadOnlyList<IssuedSvid> svids, bool fromCache) => new(svids, SvidFetchFailure.None, "", fromCache);

    public static SvidFetchResult Failed(SvidFetchFailure failure, string message) => new([], failure, message, false);
}
