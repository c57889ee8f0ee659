using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Postern.Resources;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// The policy revision agents are told: a number derived from the store alone — the keys and revisions of every live
/// role, workload identity, bot and lock on a bot — so that every instance whose state reflects the same store reports
/// the same one, and any write or deletion under those keys (or a lock running out) changes it.
/// </summary>
/// <remarks>
/// Not a count of changes applied, which differs between instances started at different times, and not the newest
/// revision among those keys, which a deletion would not move. A 53-bit number, exact in every JSON reader.
/// </remarks>
internal sealed class PolicyDigest
{
    private static readonly string[] Prefixes =
    [
        ResourceJson.Prefix(ResourceKinds.Role),
        ResourceJson.Prefix(ResourceKinds.WorkloadIdentity),
        ResourceJson.Prefix(ResourceKinds.Bot),
        LockRecord.StoreKey("bot/"),
    ];

    private readonly ConcurrentDictionary<string, (long Revision, DateTimeOffset? Expires)> _items = new(StringComparer.Ordinal);
    private long _changes;
    private volatile Computed? _computed;

    /// <summary>Whether <paramref name="key"/> is one the policy revision is derived from.</summary>
    public static bool Covers(string key) => Prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

    public void Clear()
    {
        _items.Clear();
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Applies one change to a key <see cref="Covers"/> admits.</summary>
    public void Apply(Change change)
    {
        if (change.Kind == ChangeKind.Put)
        {
            _items[change.Key] = (change.Revision, change.Expires);
        }
        else
        {
            _items.TryRemove(change.Key, out _);
        }

        Interlocked.Increment(ref _changes);
    }

    /// <summary>The policy revision at <paramref name="now"/>; computed again only after a change or when an item expires.</summary>
    public long Current(DateTimeOffset now)
    {
        var changes = Interlocked.Read(ref _changes);
        if (_computed is { } computed && computed.Changes == changes && now < computed.ValidUntil)
        {
            return computed.Value;
        }

        var live = _items.Where(i => i.Value.Expires is not { } expires || expires > now).OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        foreach (var (key, (revision, _)) in live)
        {
            text.Append(key).Append('\n').Append(revision).Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        var value = (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) & ((1UL << 53) - 1));
        var validUntil = live.Select(i => i.Value.Expires).OfType<DateTimeOffset>().DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        _computed = new Computed(changes, value, validUntil);
        return value;
    }

    private sealed record Computed(long Changes, long Value, DateTimeOffset ValidUntil);
}
