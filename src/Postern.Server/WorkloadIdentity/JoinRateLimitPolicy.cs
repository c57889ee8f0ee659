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
        RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Key(httpContext.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.AddressBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = limits.AddressRefill,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        await http.RequestServices.GetRequiredService<JoinRefusals>()
            .CountAsync(http.Connection.RemoteIpAddress?.ToString(), JoinRefusals.RateLimited, cancellationToken).ConfigureAwait(false);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limits.AddressRefill;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new ApiError(JoinRefusals.RateLimited), WorkloadApiJsonContext.Default.ApiError, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
