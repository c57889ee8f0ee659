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
        AddressBudget.Partition(httpContext, limits.AddressBurst, limits.AddressRefill);

    private ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        AddressBudget.Refuse(context, limits.AddressRefill);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new { error = "too many sign-in requests from this address; try again later", reason = "rate_limited" }, cancellationToken));
    }
}
