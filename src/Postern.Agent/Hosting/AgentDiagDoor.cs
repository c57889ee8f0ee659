using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Postern.Agent.Server;
using Postern.Configuration;

namespace Postern.Agent;

/// <summary>
/// The agent's diagnostic listener (<c>--diag-addr</c>), a TCP port beside the Workload API's socket: <c>/metrics</c>,
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (joined, holding the server's key set, not refused).
/// Nothing else is served there: the Workload API is reached through the socket only, where callers are attested.
/// </summary>
internal static class AgentDiagDoor
{
    public static void UseAgentDiagDoor(this WebApplication app, ListenOptions listen)
    {
        var link = app.Services.GetRequiredService<ServerLink>();
        app.MapWhen(context => DiagAddr.Received(listen.IPEndPoint!, context.Connection.LocalIpAddress, context.Connection.LocalPort), diag =>
        {
            diag.UseOpenTelemetryPrometheusScrapingEndpoint();
            diag.Run(context => (context.Request.Path.Value switch
            {
                "/healthz" => Results.Json(new { status = "ok" }),
                "/readyz" when link.Refusal is { } refusal => Results.Json(new { status = "not ready", reason = refusal }, statusCode: StatusCodes.Status503ServiceUnavailable),
                "/readyz" when link.Credential is null => Results.Json(new { status = "not ready", reason = "not joined to the server yet" }, statusCode: StatusCodes.Status503ServiceUnavailable),
                "/readyz" when link.Bundles.Current is null => Results.Json(new { status = "not ready", reason = "no key set from the server yet" }, statusCode: StatusCodes.Status503ServiceUnavailable),
                "/readyz" => Results.Json(new { status = "ready" }),
                _ => Results.NotFound(),
            }).ExecuteAsync(context));
        });
    }
}
