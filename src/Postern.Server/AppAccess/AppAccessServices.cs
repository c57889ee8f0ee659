using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>Registers the app door: app sessions, their access checks and revocation, assertions, the apps' HTTP clients and the proxy.</summary>
internal static class AppAccessServices
{
    public static IServiceCollection AddAppAccess(this IServiceCollection services)
    {
        services.TryAddSingleton<AppSessions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateFollower, AppSessions>(sp => sp.GetRequiredService<AppSessions>()));
        services.TryAddSingleton<AppSessionAccess>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AppSessionRevocation>());
        services.TryAddSingleton<AssertionMinter>();
        services.TryAddSingleton<WorkloadAppDoor>();
        services.TryAddSingleton<WorkloadAssertionMinter>();
        services.TryAddSingleton<AppClientFactory>();
        services.TryAddSingleton<ForwardedHeaderPolicy>();
        services.TryAddSingleton<AppUpstream>();
        services.TryAddSingleton<AppProxy>();
        services.TryAddSingleton<AppMetrics>();
        services.TryAddSingleton<ForgedAssertions>();
        services.TryAddSingleton<AppDoctor>();
        services.AddHttpForwarder();
        return services;
    }
}
