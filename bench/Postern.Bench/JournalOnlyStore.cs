using Postern.Storage;

namespace Postern.Bench;

/// <summary>
/// A store whose audit tables take events and keep none: with it, an <see cref="Audit.AuditLog"/> with a journal makes
/// each event durable in the journal and indexes nothing, which isolates the cost of the durable write from the
/// index's (the floor with the journal alone, <c>bench/svid/run.sh</c>). Everything else goes to the store it wraps.
/// Only for measuring: what it drops is what search and verification need.
/// </summary>
internal sealed class JournalOnlyStore(IBackend store) : IBackend, IAuditStore
{
    private IAuditStore Tables => (IAuditStore)store;

    public string ChainId => Tables.ChainId;

    public AuditChainHead? Head => Tables.Head;

    public Task AppendAuditAsync(IReadOnlyList<BatchPut> events, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken) => Tables.WriteCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<StoredAuditEvent>> SearchAuditAsync(AuditSearch search, CancellationToken cancellationToken) => Tables.SearchAuditAsync(search, cancellationToken);

    public Task<IReadOnlyList<AuditChainHead>> AuditHeadsAsync(CancellationToken cancellationToken) => Tables.AuditHeadsAsync(cancellationToken);

    public Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Tables.ReadChainAsync(chain, afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> AuditCheckpointsAsync(CancellationToken cancellationToken) => Tables.AuditCheckpointsAsync(cancellationToken);

    public Task<int> DeleteAuditBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Tables.DeleteAuditBeforeAsync(before, cancellationToken);

    public Task<Item?> GetAsync(string key, CancellationToken cancellationToken) => store.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken) => store.RangeAsync(prefix, cancellationToken);

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        store.PutAsync(key, value, expires, cancellationToken);

    public Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) => store.PutBatchAsync(items, cancellationToken);

    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        store.CompareAndSwapAsync(key, expectedRevision, value, expires, cancellationToken);

    public Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken) =>
        store.CompareAndSwapWithAsync(key, expectedRevision, value, expires, alongside, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => store.DeleteAsync(key, cancellationToken);

    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken) =>
        store.CompareAndDeleteAsync(key, expectedRevision, cancellationToken);

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) => store.CurrentRevisionAsync(cancellationToken);

    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) => store.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
