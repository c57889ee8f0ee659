using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.Resources;

/// <summary>Registers creating and removing resources from YAML.</summary>
internal static class ResourceServices
{
    public static IServiceCollection AddResources(this IServiceCollection services)
    {
        services.TryAddSingleton<ResourceService>();
        return services;
    }
}
