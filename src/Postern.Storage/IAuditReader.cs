namespace Postern.Storage;

/// <summary>A backend's reads of its audit tables (<see cref="IAuditStore"/>); they never wait for a write.</summary>
internal interface IAuditReader
{
    Task<IReadOnlyList<StoredAuditEvent>> SearchAsync(AuditSearch search, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditChainHead>> HeadsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken);
}
