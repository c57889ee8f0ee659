using Postern.Audit;
using Postern.Storage;
using Postern.Testing;

namespace Postern.Bench;

/// <summary>
/// A store whose audit tables take events and keep none: with it, an <see cref="AuditLog"/> with a journal makes each
/// event durable in the journal and indexes nothing, which isolates the cost of the durable write from the index's
/// (the floor with the journal alone, <c>bench/svid/run.sh</c>). Everything else goes to the store it wraps, which the
/// caller disposes. Only for measuring: what it drops is what search and verification need.
/// </summary>
internal sealed class JournalOnlyStore(IBackend store) : ForwardingBackend(store)
{
    /// <inheritdoc />
    /// <remarks>The journal's indexer appends through here (<see cref="IAuditStore.AppendAuditAsync"/>): audit events are dropped.</remarks>
    public override Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) =>
        items.All(i => i.Key.StartsWith(AuditLog.Prefix, StringComparison.Ordinal))
            ? Task.FromResult(0L)
            : base.PutBatchAsync(items, cancellationToken);
}
