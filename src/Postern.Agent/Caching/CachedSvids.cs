using Postern.Agent.Attestation;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Caching;

/// <summary>The SVIDs issued for one cache key, with when they must be renewed and when they stop being served.</summary>
internal sealed class CachedSvids
{
    private int _used;

    public CachedSvids(SvidCacheKey key, UnixWorkload workload, IReadOnlyList<IssuedSvid> svids, DateTimeOffset issued)
    {
        Key = key;
        Workload = workload;
        Svids = svids;
        Issued = issued;
        Expires = svids.Count == 0 ? issued : svids.Min(s => s.Expires);
        RenewAt = issued + ((Expires - issued) / 2);
    }

    public SvidCacheKey Key { get; }

    /// <summary>The workload the SVIDs were issued for (the last caller's pid goes to the server on renewal).</summary>
    public UnixWorkload Workload { get; }

    public IReadOnlyList<IssuedSvid> Svids { get; }

    public DateTimeOffset Issued { get; }

    /// <summary>The earliest expiry among the SVIDs; none is served from this moment on.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>
    /// Half-way through the lifetime: renewed from here on if it was used since it was issued (a background
    /// renewal is not a use; a caller's fetch or a cache hit is).
    /// </summary>
    public DateTimeOffset RenewAt { get; }

    public bool UsedSinceIssued => Volatile.Read(ref _used) != 0;

    public void MarkUsed() => Volatile.Write(ref _used, 1);
}
