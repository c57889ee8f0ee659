using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.Locks;

/// <summary>
/// Locking and unlocking users and bots. A lock on a user ends its sessions at once; a lock refuses every session and
/// credential of its target on every instance as soon as their state has seen it (see <see cref="IdentityStanding"/>).
/// </summary>
internal sealed class LockService(IBackend store, ClusterState cluster, SessionStore sessions, AppSessions appSessions, AuditedWrites writes, TimeProvider time)
{
    /// <summary>Locks <paramref name="target"/> (<c>user/NAME</c> or <c>bot/NAME</c>), for <paramref name="ttl"/> or until unlocked.</summary>
    public async Task<ChangeResult<Locked>> LockAsync(string? target, string? ttl, string? message, AuditActor actor, CancellationToken cancellationToken)
    {
        target ??= "";
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || target[..slash] is not ("user" or "bot") || target.Length == slash + 1)
        {
            return ChangeResult<Locked>.Refused(StatusCodes.Status400BadRequest, $"'{target}' is not a lock target (expected user/NAME or bot/NAME)");
        }

        TimeSpan? lifetime = null;
        if (ttl is { Length: > 0 } ttlText)
        {
            if (!Durations.TryParse(ttlText, out var parsed, out var reason))
            {
                return ChangeResult<Locked>.Refused(StatusCodes.Status400BadRequest, $"ttl: {reason}");
            }

            lifetime = parsed;
        }

        // The sessions are counted before the lock is written, so that its event holds the figure; those the lock ends
        // after it is written are refused from the moment it is (IdentityStanding), whether or not their records are gone.
        var name = target[(slash + 1)..];
        var isUser = target.StartsWith("user/", StringComparison.Ordinal);
        var live = isUser ? await sessions.CountSessionsOfAsync(name, cancellationToken).ConfigureAwait(false) : 0;
        var now = time.GetUtcNow();
        var record = new LockRecord(target, now, now + lifetime, message);
        var key = LockRecord.StoreKey(target);
        WriteResult write;
        do
        {
            var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var fields = new JsonObject { ["target"] = target, ["expires"] = record.Expires?.ToString("O"), ["message"] = message, ["sessions_ended"] = live };
            write = await writes.PutAsync(key, current?.Revision ?? Revision.Absent, StoreJson.Serialize(record), record.Expires, AuditEventTypes.LockCreate, fields, actor, cancellationToken).ConfigureAwait(false);
        }
        while (!write.Succeeded);

        if (isUser)
        {
            appSessions.Forget(name);
            await sessions.EndSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        }

        await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
        return ChangeResult<Locked>.Done(new Locked(target, record.Expires, live));
    }

    /// <summary>Lifts the lock on <c>KIND/NAME</c>, with its <c>lock.delete</c> event in the same transaction.</summary>
    public async Task<ChangeResult<bool>> UnlockAsync(string kind, string name, AuditActor actor, CancellationToken cancellationToken)
    {
        var target = $"{kind}/{name}";
        if (!await writes.DeleteAsync(LockRecord.StoreKey(target), AuditEventTypes.LockDelete, new JsonObject { ["target"] = target }, actor, cancellationToken).ConfigureAwait(false))
        {
            return ChangeResult<bool>.Refused(StatusCodes.Status404NotFound, $"{target} is not locked");
        }

        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return ChangeResult<bool>.Done(true);
    }

    /// <summary>A lock made, and how many sessions it ended.</summary>
    internal sealed record Locked(string Target, DateTimeOffset? Expires, int SessionsEnded);
}
