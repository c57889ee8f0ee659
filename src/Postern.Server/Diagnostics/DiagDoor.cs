using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.State;
using Postern.Server.WebDoor;
using Postern.Storage;

namespace Postern.Server.Diagnostics;

/// <summary>
/// The diagnostic listener's requests, taken off the pipeline before anything else sees them: <c>/metrics</c>
/// (Prometheus text), <c>/healthz</c> and <c>/readyz</c>, and 404 for every other path and every <c>Host</c> (no app,
/// no sign-in, no admin API). A request on the public listener never reaches this branch.
/// </summary>
internal static class DiagDoor
{
    /// <summary>Branches the diagnostic listener's connections off <paramref name="app"/>; <paramref name="listen"/> is its Kestrel endpoint, bound by then.</summary>
    public static void UseDiagDoor(this WebApplication app, ListenOptions listen)
    {
        var store = app.Services.GetRequiredService<IBackend>();
        var authorities = app.Services.GetRequiredService<CertAuthorities>();
        var leader = app.Services.GetRequiredService<ClusterLeader>();
        app.MapWhen(context => DiagAddr.Received(listen.IPEndPoint!, context.Connection.LocalIpAddress, context.Connection.LocalPort), diag =>
        {
            diag.UseOpenTelemetryPrometheusScrapingEndpoint();
            diag.Run(async context =>
            {
                var result = context.Request.Path.Value switch
                {
                    "/healthz" => HealthEndpoints.Alive(),
                    "/readyz" => await HealthEndpoints.ReadinessAsync(store, authorities, () => leader.IsLeader, context.RequestAborted).ConfigureAwait(false),
                    _ => Results.NotFound(),
                };
                await result.ExecuteAsync(context).ConfigureAwait(false);
            });
        });
    }
}
