using Microsoft.AspNetCore.Http;

namespace Postern.Server.SignIn;

/// <summary>
/// The request budget of each client address on the sign-in endpoints (<see cref="Web.AddressBudget"/>): a token bucket
/// of <see cref="SignInLimits.AddressBurst"/> requests, one more every <see cref="SignInLimits.AddressRefill"/>.
/// </summary>
internal static class SignInRateLimitPolicy
{
    public const string Name = "sign-in";

    public static Task WriteRefusalAsync(HttpContext context, CancellationToken cancellationToken) =>
        context.Response.WriteAsJsonAsync(new { error = "too many sign-in requests from this address; try again later", reason = "rate_limited" }, cancellationToken);
}
