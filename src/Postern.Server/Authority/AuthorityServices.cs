using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Server.Authority;

/// <summary>Registers the authorities in use, their rotation, and following their changes in the store.</summary>
internal static class AuthorityServices
{
    public static IServiceCollection AddAuthorities(this IServiceCollection services, IBackend store, CertAuthorities authorities, AuthorityKeyring keyring, TimeProvider time)
    {
        services.TryAddSingleton(authorities);
        services.TryAddSingleton(keyring);
        services.TryAddSingleton(new TokenSigner(authorities));
        services.TryAddSingleton<AuthorityRotator>();
        services.TryAddSingleton<AuthorityMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<AuthorityRotator>());
        services.AddHostedService(sp => new AuthorityFollower(store, authorities, keyring, time, sp.GetRequiredService<ILogger<AuthorityFollower>>()));
        return services;
    }
}
