using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Postern.Server.Web;

namespace Postern.Server.SignIn;

/// <summary>
/// The request budget of each client address (<see cref="ClientAddress"/>) on the sign-in endpoints: a token bucket
/// of <see cref="SignInLimits.AddressBurst"/> requests, one more every <see cref="SignInLimits.AddressRefill"/>.
/// Requests over it are answered 429 with <c>Retry-After</c> before their body is read.
/// </summary>
internal sealed class SignInRateLimitPolicy(SignInLimits limits) : IRateLimiterPolicy<string>
{
    public const string Name = "sign-in";

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

    private ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limits.AddressRefill;
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
        response.Headers.CacheControl = "no-store";
        return new ValueTask(response.WriteAsJsonAsync(new { error = "too many sign-in requests from this address; try again later", reason = "rate_limited" }, cancellationToken));
    }
}
