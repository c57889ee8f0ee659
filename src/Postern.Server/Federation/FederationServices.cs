using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Postern.Server.State;

namespace Postern.Server.Federation;

/// <summary>Registers federation: the federations and bundles followed from the store, and the leader's refresher.</summary>
internal static class FederationServices
{
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.TryAddSingleton<FederatedBundles>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateFollower, FederatedBundles>(sp => sp.GetRequiredService<FederatedBundles>()));
        services.TryAddSingleton<FederationRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<FederationRefresher>());
        return services;
    }
}
