using Postern.Agent.Caching;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Server;

/// <summary>The SVIDs for a caller, or why there are none.</summary>
internal sealed record SvidFetchResult(IReadOnlyList<IssuedSvid> Svids, SvidFetchFailure Failure, string Message, bool FromCache)
{
    public static SvidFetchResult Ok(IReadOnlyList<IssuedSvid> svids, bool fromCache) => new(svids, SvidFetchFailure.None, "", fromCache);

    public static SvidFetchResult Failed(SvidFetchFailure failure, string message) => new([], failure, message, false);
}
