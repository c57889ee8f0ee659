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
internal sealed class LockService(IBackend store, ClusterState cluster, SessionStore sessions, AppSessions appSessions, AuditLog audit, TimeProvider time)
{
    /// <summary>Locks <paramref name="target"/> (<c>user/NAME</c> or <c>bot/NAME</c>), for <paramref name="ttl"/> or until unlocked.</summary>
    public async Task<ChangeResult<Locked>> LockAsync(string? target, string? ttl, string? message, CancellationToken cancellationToken)
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

        var now = time.GetUtcNow();
        var record = new LockRecord(target, now, now + lifetime, message);
        var revision = await store.PutAsync(LockRecord.StoreKey(target), StoreJson.Serialize(record), record.Expires, cancellationToken).ConfigureAwait(false);
        var name = target[(slash + 1)..];
        var ended = 0;
        if (target.StartsWith("user/", StringComparison.Ordinal))
        {
            appSessions.Forget(name);
            ended = await sessions.EndSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        }

        await audit.AppendAsync(AuditEventTypes.LockCreate, new JsonObject { ["target"] = target, ["expires"] = record.Expires?.ToString("O"), ["sessions_ended"] = ended }, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return ChangeResult<Locked>.Done(new Locked(target, record.Expires, ended));
    }

    public async Task<ChangeResult<bool>> UnlockAsync(string kind, string name, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(LockRecord.StoreKey($"{kind}/{name}"), cancellationToken).ConfigureAwait(false))
        {
            return ChangeResult<bool>.Refused(StatusCodes.Status404NotFound, $"{kind}/{name} is not locked");
        }

        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return ChangeResult<bool>.Done(true);
    }

    /// <summary>A lock made, and how many sessions it ended.</summary>
    internal sealed record Locked(string Target, DateTimeOffset? Expires, int SessionsEnded);
}
