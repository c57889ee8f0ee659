using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Postern.Server.Web;

/// <summary>
/// A request budget per client address (<see cref="ClientAddress"/>) as a named rate limiter policy: a token bucket of
/// <c>burst</c> requests, one more every <c>refill</c>, with no queue. A request over it is answered 429 with
/// <c>Retry-After</c> and <c>Cache-Control: no-store</c> before its body is read, and the door writes the body.
/// </summary>
internal static class AddressBudget
{
    /// <summary>
    /// Adds the policy <paramref name="name"/>, sized from the <typeparamref name="TLimits"/> registered in the
    /// container; <paramref name="writeRefusal"/> writes the 429's body (and may count the refusal).
    /// </summary>
    public static IServiceCollection AddAddressBudget<TLimits>(
        this IServiceCollection services, string name, Func<TLimits, (int Burst, TimeSpan Refill)> budget, Func<HttpContext, CancellationToken, Task> writeRefusal)
        where TLimits : class
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<TLimits>((options, limits) =>
        {
            var (burst, refill) = budget(limits);
            options.AddPolicy(name, new Policy(burst, refill, writeRefusal));
        });
        return services;
    }

    private sealed class Policy(int burst, TimeSpan refill, Func<HttpContext, CancellationToken, Task> writeRefusal) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Key(httpContext.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = refill,
                QueueLimit = 0,
                AutoReplenishment = true,
            });

        private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : refill;
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
            response.Headers.CacheControl = "no-store";
            await writeRefusal(context.HttpContext, cancellationToken).ConfigureAwait(false);
        }
    }
}
