using Postern.Storage;

namespace Postern.Testing;

/// <summary>
/// A store that hands every call to <paramref name="inner"/> (a real backend, with its audit tables); a test's wrapper
/// derives from it and changes only what it watches or holds back. Disposing it leaves <paramref name="inner"/> open.
/// </summary>
public abstract class ForwardingBackend(IBackend inner) : IBackend, IAuditStore
{
    private IAuditStore Tables => (IAuditStore)inner;

    public string ChainId => Tables.ChainId;

    public AuditChainHead? Head => Tables.Head;

    public virtual Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) => inner.PutBatchAsync(items, cancellationToken);

    /// <summary>Goes through <see cref="PutBatchAsync"/>, so that a wrapper that watches or holds back that sees these writes too.</summary>
    public Task AppendAuditAsync(IReadOnlyList<BatchPut> events, CancellationToken cancellationToken) => PutBatchAsync(events, cancellationToken);

    public virtual Task<Item?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken) => inner.RangeAsync(prefix, cancellationToken);

    public virtual Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) => inner.PutAsync(key, value, expires, cancellationToken);

    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        inner.CompareAndSwapAsync(key, expectedRevision, value, expires, cancellationToken);

    public virtual Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken) =>
        inner.CompareAndSwapWithAsync(key, expectedRevision, value, expires, alongside, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken) => inner.CompareAndDeleteAsync(key, expectedRevision, cancellationToken);

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) => inner.CurrentRevisionAsync(cancellationToken);

    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) => inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken) => Tables.WriteCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<StoredAuditEvent>> SearchAuditAsync(AuditSearch search, CancellationToken cancellationToken) => Tables.SearchAuditAsync(search, cancellationToken);

    public Task<IReadOnlyList<AuditChainHead>> AuditHeadsAsync(CancellationToken cancellationToken) => Tables.AuditHeadsAsync(cancellationToken);

    public Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Tables.ReadChainAsync(chain, afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> AuditCheckpointsAsync(CancellationToken cancellationToken) => Tables.AuditCheckpointsAsync(cancellationToken);

    public Task<int> DeleteAuditBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Tables.DeleteAuditBeforeAsync(before, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
