using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The request budget of each client address at <c>POST /v1/bots/join</c> (<see cref="Web.AddressBudget"/>): a token
/// bucket of <see cref="JoinLimits.AddressBurst"/> requests, one more every <see cref="JoinLimits.AddressRefill"/>.
/// Requests over it are counted in <see cref="JoinRefusals"/>.
/// </summary>
internal static class JoinRateLimitPolicy
{
    public const string Name = "bot-join";

    public static async Task WriteRefusalAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await context.RequestServices.GetRequiredService<JoinRefusals>()
            .CountAsync(context.Connection.RemoteIpAddress?.ToString(), JoinRefusals.RateLimited, cancellationToken).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(new ApiError(JoinRefusals.RateLimited), WorkloadApiJsonContext.Default.ApiError, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
