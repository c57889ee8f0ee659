using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// A change to the store and the audit event that records it, written so that a crash at any moment leaves both or
/// neither. A put (or a conditional put) goes in one transaction with its event (<see cref="IBackend.CompareAndSwapWithAsync"/>).
/// A delete cannot carry an event in the same write, so it goes through an intent: the event and a record of the
/// delete to be done (<c>/audit_intents/ID</c>) are written in one transaction, then the key is deleted, then the
/// intent; <see cref="FinishInterruptedAsync"/> finishes, at start, every delete whose intent a crash left behind.
/// </summary>
internal sealed class AuditedWrites(IBackend store, AuditLog audit)
{
    public const string IntentPrefix = "/audit_intents/";

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="key"/> if it is still at <paramref name="expectedRevision"/>
    /// (<see cref="Revision.Absent"/>: a new key), with the event <paramref name="type"/> by <paramref name="actor"/>.
    /// </summary>
    public Task<WriteResult> PutAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, string type, JsonObject fields, AuditActor actor, CancellationToken cancellationToken) =>
        PutAsync(key, expectedRevision, value, expires, type, fields, actor, [], cancellationToken);

    /// <summary>
    /// As the other <c>PutAsync</c>, with <paramref name="alongside"/> (records the change makes, and their own events) in
    /// the same transaction, after the event.
    /// </summary>
    public Task<WriteResult> PutAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, string type, JsonObject fields, AuditActor actor, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken)
    {
        var (item, _) = audit.Prepare(type, actor.Stamp(fields));
        return store.CompareAndSwapWithAsync(key, expectedRevision, value, expires, [item, .. alongside], cancellationToken);
    }

    /// <summary>Deletes <paramref name="key"/> with the event <paramref name="type"/> by <paramref name="actor"/>; <c>false</c> when the key is absent.</summary>
    public async Task<bool> DeleteAsync(string key, string type, JsonObject fields, AuditActor actor, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return false;
        }

        var (item, recorded) = audit.Prepare(type, actor.Stamp(fields));
        var intentKey = IntentPrefix + recorded.Id;
        var intent = StoreJson.Serialize(new DeleteIntent(key, current.Revision));
        var written = await store.CompareAndSwapWithAsync(intentKey, Revision.Absent, intent, null, [item], cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            throw new InvalidOperationException($"the audit intent {intentKey} exists already");
        }

        // The event says the key was deleted: it is, whatever was written to it meanwhile.
        await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(intentKey, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Finishes the deletes a crash interrupted after their event was written; returns the keys deleted. A key written
    /// again since its intent (another revision) is left alone.
    /// </summary>
    public async Task<IReadOnlyList<string>> FinishInterruptedAsync(CancellationToken cancellationToken)
    {
        var finished = new List<string>();
        foreach (var item in await store.RangeAsync(IntentPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<DeleteIntent>(item.Value) is { } intent
                && await store.GetAsync(intent.Key, cancellationToken).ConfigureAwait(false) is { } target
                && target.Revision == intent.Revision
                && (await store.CompareAndDeleteAsync(intent.Key, intent.Revision, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                finished.Add(intent.Key);
            }

            await store.CompareAndDeleteAsync(item.Key, item.Revision, cancellationToken).ConfigureAwait(false);
        }

        return finished;
    }

    /// <summary>A delete promised by an audit event: the key, at the revision it had when the event was written.</summary>
    internal sealed record DeleteIntent(string Key, long Revision);
}
