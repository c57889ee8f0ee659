using Microsoft.AspNetCore.Http;
using Postern.Server.Locks;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary>Locks on users and bots (<c>postern lock</c>, <c>unlock</c>, <c>locks</c>).</summary>
internal static partial class AdminEndpoints
{
    private static async Task<IResult> LockAsync(LockRequest request, LockService locks, CancellationToken cancellationToken) =>
        Answer(await locks.LockAsync(request.Target, request.Ttl, request.Message, cancellationToken).ConfigureAwait(false),
            locked => Results.Json(new { target = locked.Target, expires = locked.Expires, sessions_ended = locked.SessionsEnded }, statusCode: StatusCodes.Status201Created));

    private static async Task<IResult> UnlockAsync(string kind, string name, LockService locks, CancellationToken cancellationToken) =>
        Answer(await locks.UnlockAsync(kind, name, cancellationToken).ConfigureAwait(false), _ => Results.NoContent());

    private static IResult ListLocks(ClusterState cluster) => Results.Json(cluster.Locks);

    internal sealed record LockRequest(string? Target, string? Ttl, string? Message);
}
