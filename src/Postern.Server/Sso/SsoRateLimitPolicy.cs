using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Postern.Server.Web;

namespace Postern.Server.Sso;

/// <summary>
/// The request budget of each client address (<see cref="ClientAddress"/>) at the SSO doors (<see cref="SsoLimits"/>):
/// a junk callback through a real connector is audited as a refused sign-in, so past the budget it is answered 429
/// with <c>Retry-After</c> before any of that happens.
/// </summary>
internal sealed class SsoRateLimitPolicy(SsoLimits limits) : IRateLimiterPolicy<string>
{
    public const string Name = "sso";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        AddressBudget.Partition(httpContext, limits.AddressBurst, limits.AddressRefill);

    private ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        AddressBudget.Refuse(context, limits.AddressRefill);
        return new ValueTask(Pages.WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many sign-in requests from this address; try again in a minute.", "Sign in", "/web/login"));
    }
}
