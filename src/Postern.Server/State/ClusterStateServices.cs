using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.State;

/// <summary>Registers the cluster state, its watch, and the leader lease.</summary>
internal static class ClusterStateServices
{
    public static IServiceCollection AddClusterState(this IServiceCollection services)
    {
        services.TryAddSingleton<ClusterState>();
        services.TryAddSingleton<AuditedWrites>();
        services.AddHostedService<ClusterStateWatch>();
        services.TryAddSingleton<ClusterLeader>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterLeader>());
        return services;
    }
}
