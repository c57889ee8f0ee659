using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.Admin;

/// <summary>Registers the admin API's credential, read from (or made for) <c>data_dir/admin.json</c>.</summary>
internal static class AdminServices
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, string dataDir)
    {
        services.TryAddSingleton(AdminCredential.Open(dataDir));
        services.TryAddSingleton<AdminCallers>();
        return services;
    }
}
