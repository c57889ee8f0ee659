using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Postern.Server.Web;

/// <summary>
/// A request budget per client address (<see cref="ClientAddress"/>) for a rate limiter policy: a token bucket of
/// <c>burst</c> requests, one more every <c>refill</c>, with no queue (a request over it is refused at once).
/// </summary>
internal static class AddressBudget
{
    public static RateLimitPartition<string> Partition(HttpContext context, int burst, TimeSpan refill) =>
        RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Key(context.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = refill,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>Sets the 429 status, <c>Retry-After</c> (from the refused lease, else <paramref name="refill"/>) and <c>Cache-Control: no-store</c>.</summary>
    public static void Refuse(OnRejectedContext context, TimeSpan refill)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : refill;
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
        response.Headers.CacheControl = "no-store";
    }
}
