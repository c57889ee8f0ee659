using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.Users;

/// <summary>Registers the users' records and the rules for changing them.</summary>
internal static class UserServices
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<UserService>();
        return services;
    }
}
