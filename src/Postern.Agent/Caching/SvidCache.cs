namespace Postern.Agent.Caching;

/// <summary>
/// SVIDs by <see cref="SvidCacheKey"/>, in memory, bounded: past the capacity the oldest entry goes.
/// Lookups never do I/O and never return an entry at or past its expiry. <see cref="Clear"/> starts a
/// new generation, and an entry fetched under an older generation is not stored, so an answer computed
/// before a policy change never lands after it.
/// </summary>
internal sealed class SvidCache
{
    private readonly object _lock = new();
    private readonly Dictionary<SvidCacheKey, LinkedListNode<CachedSvids>> _entries = [];
    private readonly LinkedList<CachedSvids> _age = new();
    private readonly int _capacity;
    private long _generation;

    public SvidCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The generation to pass to <see cref="Put"/> for an answer fetched from now on.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The unexpired entry for <paramref name="key"/>, marked as used; an expired one is dropped.</summary>
    public bool TryGet(SvidCacheKey key, DateTimeOffset now, out CachedSvids entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (now < node.Value.Expires)
                {
                    entry = node.Value;
                    entry.MarkUsed();
                    return true;
                }

                Remove(node);
            }
        }

        entry = null!;
        return false;
    }

    /// <summary>Stores <paramref name="entry"/> unless the cache was cleared since <paramref name="generation"/> was read.</summary>
    public bool Put(CachedSvids entry, long generation)
    {
        lock (_lock)
        {
            if (generation != _generation)
            {
                return false;
            }

            if (_entries.TryGetValue(entry.Key, out var existing))
            {
                Remove(existing);
            }

            _entries[entry.Key] = _age.AddLast(entry);
            while (_entries.Count > _capacity)
            {
                Remove(_age.First!);
            }

            return true;
        }
    }

    /// <summary>Drops <paramref name="entry"/> if it is still the one stored under its key.</summary>
    public void Remove(CachedSvids entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Key, out var node) && ReferenceEquals(node.Value, entry))
            {
                Remove(node);
            }
        }
    }

    /// <summary>Drops every entry and starts a new generation.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _generation++;
            _entries.Clear();
            _age.Clear();
        }
    }

    /// <summary>
    /// The entries to renew now: past <see cref="CachedSvids.RenewAt"/> and used since they were issued.
    /// Expired entries are dropped on the way; unused ones are left to expire.
    /// </summary>
    public IReadOnlyList<CachedSvids> TakeDueForRenewal(DateTimeOffset now)
    {
        var due = new List<CachedSvids>();
        lock (_lock)
        {
            for (var node = _age.First; node is not null;)
            {
                var next = node.Next;
                var entry = node.Value;
                if (now >= entry.Expires)
                {
                    Remove(node);
                }
                else if (now >= entry.RenewAt && entry.UsedSinceIssued)
                {
                    due.Add(entry);
                }

                node = next;
            }
        }

        return due;
    }

    private void Remove(LinkedListNode<CachedSvids> node)
    {
        _entries.Remove(node.Value.Key);
        _age.Remove(node);
    }
}
