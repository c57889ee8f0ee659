using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Server.WebDoor;

/// <summary>
/// <c>/healthz</c>: the process answers. <c>/readyz</c>: it can serve (store reachable, authorities loaded), and whether it
/// leads. Served on the web address and on the diagnostic listener.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints, IBackend store, CertAuthorities authorities, Func<bool> isLeader)
    {
        endpoints.MapGet("/healthz", Alive);
        endpoints.MapGet("/readyz", (CancellationToken cancellationToken) => ReadinessAsync(store, authorities, isLeader, cancellationToken));
        return endpoints;
    }

    /// <summary>The answer of <c>/healthz</c>.</summary>
    public static IResult Alive() => Results.Json(new { status = "ok" });

    /// <summary>The answer of <c>/readyz</c>: 200 when the authorities are loaded and the store answers, 503 with the reason otherwise.</summary>
    public static async Task<IResult> ReadinessAsync(IBackend store, CertAuthorities authorities, Func<bool> isLeader, CancellationToken cancellationToken)
    {
        // leader: whether this instance does the once-only work (automatic rotation steps, expiry sweeps).
        return await NotReadyReasonAsync(store, authorities, cancellationToken).ConfigureAwait(false) is { } reason
            ? Results.Json(new { status = "not ready", reason }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ready", leader = isLeader() });
    }

    /// <summary>Why this instance cannot serve (authorities not loaded, store not answering within 2 s), or <c>null</c> when it can.</summary>
    public static async Task<string?> NotReadyReasonAsync(IBackend store, CertAuthorities authorities, CancellationToken cancellationToken)
    {
        if (!authorities.IsReady)
        {
            return "the authorities are not loaded";
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StoreTimeout);
            await store.CurrentRevisionAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"the store does not answer: {e.GetType().Name}";
        }
    }
}
