using System.Collections.Concurrent;

namespace Postern.Agent.Caching;

/// <summary>
/// The server's refusals, remembered briefly: a local process that asks again and again for an SVID that policy does
/// not give it is answered from here, so that it costs the server (and its audit log) one request per
/// <see cref="Lifetime"/>, not one per call. An entry holds only for the <see cref="SvidCache.Generation"/> it was
/// made in, so a policy change (which clears the SVID cache) makes the next call ask the server again.
/// </summary>
internal sealed class RefusalCache(int capacity)
{
    /// <summary>How long a refusal is repeated without asking the server again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<SvidCacheKey, Refusal> _refusals = new();

    public bool TryGet(SvidCacheKey key, long generation, DateTimeOffset now, out string message)
    {
        if (_refusals.TryGetValue(key, out var found) && found.Generation == generation && found.Until > now)
        {
            message = found.Message;
            return true;
        }

        message = "";
        return false;
    }

    public void Put(SvidCacheKey key, long generation, DateTimeOffset now, string message)
    {
        if (_refusals.Count >= capacity)
        {
            // Many distinct refused callers at once: start again rather than grow.
            _refusals.Clear();
        }

        _refusals[key] = new Refusal(generation, now + Lifetime, message);
    }

    private sealed record Refusal(long Generation, DateTimeOffset Until, string Message);
}
