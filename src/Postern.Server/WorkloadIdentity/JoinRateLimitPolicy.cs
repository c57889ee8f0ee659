using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Postern.Server.Web;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The request budget of each client address (<see cref="ClientAddress"/>) at <c>POST /v1/bots/join</c>: a token bucket
/// of <see cref="JoinLimits.AddressBurst"/> requests, one more every <see cref="JoinLimits.AddressRefill"/>. Requests
/// over it are answered 429 with <c>Retry-After</c> before their body is read, and counted in
/// <see cref="JoinRefusals"/>.
/// </summary>
internal sealed class JoinRateLimitPolicy(JoinLimits limits) : IRateLimiterPolicy<string>
{
    public const string Name = "bot-join";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        AddressBudget.Partition(httpContext, limits.AddressBurst, limits.AddressRefill);

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        await http.RequestServices.GetRequiredService<JoinRefusals>()
            .CountAsync(http.Connection.RemoteIpAddress?.ToString(), JoinRefusals.RateLimited, cancellationToken).ConfigureAwait(false);
        AddressBudget.Refuse(context, limits.AddressRefill);
        await http.Response.WriteAsJsonAsync(new ApiError(JoinRefusals.RateLimited), WorkloadApiJsonContext.Default.ApiError, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
