namespace Postern.Storage;

/// <summary>
/// One write transaction of a backend, holding the store's write lock. Every change bumps the store revision,
/// changes the items and appends to the change log together, so the three can never disagree.
/// </summary>
internal interface IWriteScope
{
    /// <summary>
    /// Whether anything was written, i.e. whether the transaction is worth committing.
    /// </summary>
    bool Wrote { get; }

    /// <summary>Whether items changed (not only the audit tables), i.e. whether watches are worth waking.</summary>
    bool ChangedItems { get; }

    /// <summary>
    /// The revision of the live item at the key the write was begun for; <see cref="Revision.Absent"/> when absent
    /// or expired.
    /// </summary>
    /// <exception cref="InvalidOperationException">The write was begun for no key.</exception>
    Task<long> LiveRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="items"/> (distinct keys) at consecutive revisions in list order and returns the last.</summary>
    Task<long> PutAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken);

    /// <summary>Deletes the items at <paramref name="keys"/> (distinct; live or expired) at consecutive revisions in list order and returns the last.</summary>
    Task<long> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="rows"/> to the audit table: no revision, no change-log row.</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="checkpoint"/>.</summary>
    Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>As <see cref="IAuditStore.DeleteAuditBeforeAsync"/>, with <paramref name="before"/> in Unix milliseconds.</summary>
    Task<int> DeleteAuditBeforeAsync(long before, CancellationToken cancellationToken);

    /// <summary>The store's revision as this transaction sees it.</summary>
    Task<long> StoreRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> keys whose expiry has passed, oldest expiry first.</summary>
    Task<IReadOnlyList<string>> ExpiredKeysAsync(int limit, CancellationToken cancellationToken);
}
