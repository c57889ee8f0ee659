using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Postern.Server.Sessions;

/// <summary>Registers web sessions: their store and the cookie.</summary>
internal static class SessionServices
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<WebSessionCookie>();
        return services;
    }
}
