using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

using Postern.Server.Web;

namespace Postern.Server.SignIn;

/// <summary>Registers password sign-in: the second factor, its enrolment, and the limits (attempt counts, hashing slots, the per-address request budget).</summary>
internal static class SignInServices
{
    /// <summary>
    /// Adds <see cref="LoginService"/> and its limits (<paramref name="limits"/>, or the defaults of
    /// <see cref="SignInLimits"/>). The endpoints opt in with <c>RequireRateLimiting(SignInRateLimitPolicy.Name)</c>,
    /// and the app must call <c>UseRateLimiter()</c> after <c>UseRouting()</c>.
    /// </summary>
    public static IServiceCollection AddSignIn(this IServiceCollection services, SignInLimits? limits = null)
    {
        services.TryAddSingleton(limits ?? new SignInLimits());
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<PasswordHashGate>();
        services.TryAddSingleton<SecondFactor>();
        services.TryAddSingleton<TotpEnrolment>();
        services.TryAddSingleton<LoginService>();
        services.TryAddSingleton<SignInTelemetry>();
        services.AddAddressBudget<SignInLimits>(SignInRateLimitPolicy.Name, l => (l.AddressBurst, l.AddressRefill), SignInRateLimitPolicy.WriteRefusalAsync);
        return services;
    }
}
