namespace Postern.Storage;

/// <summary>
/// The audit log's own tables in a store, kept apart from its items and change log: events written under
/// <c>/audit/</c> (by <see cref="IBackend.PutBatchAsync"/> or alongside a change with
/// <see cref="IBackend.CompareAndSwapWithAsync"/>) land here instead, take no revision, add no change-log row and
/// wake no watch. Each open store handle is one writer: it links the events it writes into a hash chain of its own
/// (<see cref="ChainId"/>), assigning each its position inside the transaction that writes it.
/// </summary>
public interface IAuditStore
{
    /// <summary>The chain this handle appends to: new for every open.</summary>
    string ChainId { get; }

    /// <summary>The last event this handle committed to its chain, or <c>null</c> before the first.</summary>
    AuditChainHead? Head { get; }

    /// <summary>
    /// Appends <paramref name="events"/> (items under <c>/audit/</c> only) to this handle's chain in one transaction:
    /// the same as <see cref="IBackend.PutBatchAsync"/> of events alone, without reading the store's revision.
    /// </summary>
    Task AppendAuditAsync(IReadOnlyList<BatchPut> events, CancellationToken cancellationToken);

    /// <summary>Stores a signed checkpoint of a chain.</summary>
    Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>One page of the events that match <paramref name="search"/>, newest first.</summary>
    Task<IReadOnlyList<StoredAuditEvent>> SearchAuditAsync(AuditSearch search, CancellationToken cancellationToken);

    /// <summary>The last stored event of every chain that holds events.</summary>
    Task<IReadOnlyList<AuditChainHead>> AuditHeadsAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events of <paramref name="chain"/> after position <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Every stored checkpoint, by chain then position.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> AuditCheckpointsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, in every chain, the events up to the newest checkpoint sealed before <paramref name="before"/>, and the
    /// checkpoints before that one, which stays as the anchor the rest of the chain is verified from. Returns how many
    /// events it deleted.
    /// </summary>
    Task<int> DeleteAuditBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
