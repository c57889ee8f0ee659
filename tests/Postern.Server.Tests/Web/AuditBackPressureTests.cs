using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Postern.Audit;
using Postern.Server.Web;

namespace Postern.Server.Tests.Web;

/// <summary>A request whose audit event could not be queued is answered 503 with <c>Retry-After</c>, not 500 and not a silent success.</summary>
public sealed class AuditBackPressureTests
{
    [Fact]
    public async Task A_busy_audit_log_is_answered_503_with_Retry_After()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(), Response = { Body = new MemoryStream() } };
        context.Request.Path = "/v1/bots/join";

        await AuditBackPressure.InvokeAsync(context, _ => throw new AuditLogBusyException("the audit log is busy: 4096 events have waited", TimeSpan.FromSeconds(5)));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        context.Response.Body.Position = 0;
        var body = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal(AuditBackPressure.Reason, body.GetProperty("reason").GetString());
        Assert.Equal("the server is busy recording earlier requests; try again later", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Other_failures_pass_through()
    {
        var context = new DefaultHttpContext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => AuditBackPressure.InvokeAsync(context, _ => throw new InvalidOperationException("a bug")));
    }
}
