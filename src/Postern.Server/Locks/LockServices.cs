using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.Locks;

/// <summary>Registers locking and unlocking.</summary>
internal static class LockServices
{
    public static IServiceCollection AddLocks(this IServiceCollection services)
    {
        services.TryAddSingleton<LockService>();
        return services;
    }
}
