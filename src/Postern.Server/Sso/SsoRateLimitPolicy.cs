using Microsoft.AspNetCore.Http;
using Postern.Server.Web;

namespace Postern.Server.Sso;

/// <summary>
/// The request budget of each client address at the SSO doors (<see cref="AddressBudget"/>, sized by <see cref="SsoLimits"/>):
/// a junk callback through a real connector is audited as a refused sign-in, so past the budget it is answered 429
/// before any of that happens.
/// </summary>
internal static class SsoRateLimitPolicy
{
    public const string Name = "sso";

    public static Task WriteRefusalAsync(HttpContext context, CancellationToken cancellationToken) =>
        Pages.WriteProblemAsync(context, StatusCodes.Status429TooManyRequests, "Too many sign-in requests from this address; try again in a minute.", "Sign in", "/web/login");
}
