using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Postern.Server.State;
using Postern.TrustBundles;

using Postern.Server.Web;

namespace Postern.Server.WorkloadIdentity;

/// <summary>Registers bots (credentials, join tokens, the registry, the join budget) and the JWT-SVID issuer.</summary>
internal static class WorkloadIdentityServices
{
    /// <summary>
    /// Adds the workload identity services with the join limits <paramref name="joinLimits"/> (or the defaults of
    /// <see cref="JoinLimits"/>); the app must call <c>UseRateLimiter()</c> after <c>UseRouting()</c>.
    /// </summary>
    public static IServiceCollection AddWorkloadIdentity(this IServiceCollection services, JoinLimits? joinLimits = null)
    {
        services.TryAddSingleton(joinLimits ?? new JoinLimits());
        services.TryAddSingleton<JoinRefusals>();
        services.AddAddressBudget<JoinLimits>(JoinRateLimitPolicy.Name, l => (l.AddressBurst, l.AddressRefill), JoinRateLimitPolicy.WriteRefusalAsync);
        services.TryAddSingleton<BotCredentials>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateFollower, BotCredentials>(sp => sp.GetRequiredService<BotCredentials>()));
        services.TryAddSingleton<BotAuthority>();
        services.TryAddSingleton<BotRegistry>();
        services.TryAddSingleton<SvidHolders>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateFollower, SvidHolders>(sp => sp.GetRequiredService<SvidHolders>()));
        services.TryAddSingleton<JwtSvidIssuer>();
        services.TryAddSingleton<X509SvidIssuer>();
        services.TryAddSingleton(sp => new Postern.Authority.X509SvidSigner(sp.GetRequiredService<Postern.Authority.CertAuthorities>()));
        services.TryAddSingleton<SvidTelemetry>();
        services.TryAddSingleton<IX509AuthoritySource, X509CaAuthoritySource>();
        services.TryAddSingleton<TrustBundleSource>();
        return services;
    }
}
