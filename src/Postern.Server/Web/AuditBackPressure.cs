using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postern.Audit;

namespace Postern.Server.Web;

/// <summary>
/// Answers a request whose audit event could not be queued (<see cref="AuditLogBusyException"/>: the store is slower
/// than the events) 503 with <c>Retry-After</c>: the action did not go ahead, and the caller is told to come back
/// rather than left waiting.
/// </summary>
internal static class AuditBackPressure
{
    public const string Reason = "audit_busy";

    public static IApplicationBuilder UseAuditBackPressure(this IApplicationBuilder app) => app.Use(InvokeAsync);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (AuditLogBusyException e) when (!context.Response.HasStarted)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(AuditBackPressure)).AuditLogBusy(context.Request.Path, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfter.Seconds(e.RetryAfter);
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new { error = "the server is busy recording earlier requests; try again later", reason = Reason }, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
