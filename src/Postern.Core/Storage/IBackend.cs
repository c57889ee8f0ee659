namespace Postern.Storage;

/// <summary>
/// Postern's store: a key-value backend with store-wide revisions, conditional writes,
/// expiring keys and a watch that streams changes in revision order.
/// </summary>
/// <remarks>
/// Keys are absolute paths such as <c>/roles/admin</c>. Every write bumps one store-wide
/// revision (as in etcd), and an item carries the revision of its last write. An item whose
/// expiry has passed is invisible to reads and counts as absent for conditional writes;
/// the backend deletes it eventually and then streams a <see cref="ChangeKind.Delete"/>.
/// Every backend passes the conformance suite in <c>tests/Postern.Storage.Conformance</c>.
/// </remarks>
public interface IBackend : IAsyncDisposable
{
    /// <summary>The item at <paramref name="key"/>, or <c>null</c> when absent or expired.</summary>
    Task<Item?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every live item whose key starts with <paramref name="prefix"/>, ordered by key.</summary>
    Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="key"/> unconditionally and returns the new revision.</summary>
    Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken);

    /// Writes every item in one transaction: all or none. Each item gets its own revision, consecutive and in list order; returns the last one. An empty list writes nothing and returns the current revision. Duplicate keys in one batch are refused with ArgumentException.
    Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="key"/> only if its current revision is <paramref name="expectedRevision"/>
    /// (<see cref="Revision.Absent"/>: only if the key is absent or expired).
    /// </summary>
    Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="CompareAndSwapAsync"/>, and in the same transaction writes <paramref name="alongside"/>
    /// unconditionally: all or none (for a record that must exist exactly when the change does, such as its audit
    /// event). The result's revision is that of <paramref name="key"/>; the other items take the next ones, in
    /// list order. A key may not appear twice.
    /// </summary>
    Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="key"/>; <c>true</c> when a live item was deleted.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="key"/> only if its current revision is <paramref name="expectedRevision"/>.</summary>
    Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>The store's current revision: that of the latest write.</summary>
    Task<long> CurrentRevisionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams every change to keys under <paramref name="prefix"/> with a revision greater than
    /// <paramref name="afterRevision"/>, in revision order, then follows new changes until cancelled.
    /// Throws <see cref="WatchCompactedException"/> when changes after that revision are no longer kept.
    /// </summary>
    IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken);
}
