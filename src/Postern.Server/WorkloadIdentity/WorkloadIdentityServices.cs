using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Postern.Server.State;

namespace Postern.Server.WorkloadIdentity;

/// <summary>Registers bots (credentials, join tokens, the registry) and the JWT-SVID issuer.</summary>
internal static class WorkloadIdentityServices
{
    public static IServiceCollection AddWorkloadIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton<BotCredentials>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateFollower, BotCredentials>(sp => sp.GetRequiredService<BotCredentials>()));
        services.TryAddSingleton<BotAuthority>();
        services.TryAddSingleton<BotRegistry>();
        services.TryAddSingleton<JwtSvidIssuer>();
        return services;
    }
}
