using System.Collections.Concurrent;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>The locks of the store (<c>/locks/&lt;kind&gt;/&lt;name&gt;</c>), found by target; an expired one is not in force.</summary>
internal sealed class LockTable(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LockRecord> _locks = new(StringComparer.Ordinal);

    /// <summary>Every lock in force, by target.</summary>
    public IEnumerable<LockRecord> All => _locks.Keys.Select(Find).OfType<LockRecord>().OrderBy(l => l.Target, StringComparer.Ordinal);

    /// <summary>The lock on <paramref name="target"/> (<c>user/alice</c>) that is in force now, if any.</summary>
    public LockRecord? Find(string target) =>
        _locks.TryGetValue(target, out var found) && (found.Expires is null || found.Expires > time.GetUtcNow()) ? found : null;

    /// <summary>Applies a change of a key under <see cref="LockRecord.Prefix"/>.</summary>
    public void Apply(Change change)
    {
        var target = change.Key[LockRecord.Prefix.Length..];
        if (change.Kind == ChangeKind.Put && StoreJson.TryDeserialize<LockRecord>(change.Value) is { } record)
        {
            _locks[target] = record;
        }
        else
        {
            _locks.TryRemove(target, out _);
        }
    }

    public void Clear() => _locks.Clear();
}
