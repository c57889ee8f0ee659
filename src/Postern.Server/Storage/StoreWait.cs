using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Configuration;
using Postern.Storage.Postgres;

namespace Postern.Server.Storage;

/// <summary>
/// Starting against a PostgreSQL server that cannot be reached yet: instead of failing, Postern retries with
/// backoff and, meanwhile, answers on its listen address — <c>/healthz</c> 200 and every other path (so
/// <c>/readyz</c> too) 503 with the reason — so that a load balancer or an orchestrator sees an instance that
/// is up but not ready. Errors that waiting cannot cure (a wrong password, a missing database) still stop start.
/// </summary>
internal static class StoreWait
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(10);

    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> open, PosternConfig config, Func<X509Certificate2?> certificate, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        WebApplication? standby = null;
        var reason = "";
        var delay = FirstDelay;
        try
        {
            while (true)
            {
                try
                {
                    return await open(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (config.Storage.Type == StorageConfig.Postgres && PostgresBackend.IsUnreachable(e))
                {
                    reason = $"the PostgreSQL store cannot be reached ({Describe(e)}); retrying";
                    logger.WaitingForStore(Describe(e), delay);
                    standby ??= await StartStandbyAsync(config, certificate(), () => reason, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    delay = delay * 2 < LongestDelay ? delay * 2 : LongestDelay;
                }
            }
        }
        finally
        {
            if (standby is not null)
            {
                await standby.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await standby.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string Describe(Exception e) =>
        (e.InnerException is SocketException socket ? socket.Message : e.Message).ReplaceLineEndings(" ");

    private static async Task<WebApplication> StartStandbyAsync(PosternConfig config, X509Certificate2? certificate, Func<string> reason, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Postern", Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(config.ListenAddr.Address, config.ListenAddr.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(context =>
        {
            var healthz = context.Request.Path == "/healthz";
            context.Response.StatusCode = healthz ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            return healthz
                ? context.Response.WriteAsJsonAsync(new { status = "ok" })
                : context.Response.WriteAsJsonAsync(new { status = "not ready", reason = reason() });
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
