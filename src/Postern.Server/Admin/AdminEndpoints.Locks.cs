using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Server.Locks;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary>Locks on users and bots (<c>postern lock</c>, <c>unlock</c>, <c>locks</c>).</summary>
internal static partial class AdminEndpoints
{
    private static Task<IResult> LockAsync(HttpContext context, LockService locks, CancellationToken cancellationToken) =>
        WithBodyAsync<LockRequest>(context, LockRequest.TryParse, async request =>
            Answer(await locks.LockAsync(request.Target, request.Ttl, request.Message, ActorOf(context), cancellationToken).ConfigureAwait(false),
                locked => Results.Json(new LockPlaced(locked.Target, locked.Expires, locked.SessionsEnded), Json.LockPlaced, statusCode: StatusCodes.Status201Created)));

    private static async Task<IResult> UnlockAsync(string kind, string name, HttpContext context, LockService locks, CancellationToken cancellationToken) =>
        Answer(await locks.UnlockAsync(kind, name, ActorOf(context), cancellationToken).ConfigureAwait(false), _ => Results.NoContent());

    private static IResult ListLocks(ClusterState cluster) =>
        Results.Json([.. cluster.Locks.Select(l => new LockSummary(l.Target, l.Created, l.Expires, l.Message))], Json.IReadOnlyListLockSummary);
}
