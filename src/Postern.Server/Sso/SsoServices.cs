using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

using Postern.Server.Web;

namespace Postern.Server.Sso;

/// <summary>Registers sign-in through stored OIDC connectors.</summary>
internal static class SsoServices
{
    /// <summary>
    /// ASP.NET Core's authentication services and OpenID Connect handler, with one scheme per stored connector
    /// (<see cref="ConnectorSchemes"/>) configured from it (<see cref="ConnectorHandlerOptions"/>).
    /// <paramref name="environment"/> reads the environment variables client secrets may be in.
    /// </summary>
    public static IServiceCollection AddSso(this IServiceCollection services, Func<string, string?> environment)
    {
        services.AddAuthentication();
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, ConnectorSchemes>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, ConnectorHandlerOptions>());
        services.TryAddSingleton(new ConnectorSecrets(environment));
        services.TryAddSingleton<SsoEvents>();
        services.TryAddSingleton<SsoSignIn>();
        services.TryAddSingleton<SignIn.SignInTelemetry>();
        services.TryAddSingleton(new SsoLimits());
        services.AddAddressBudget<SsoLimits>(SsoRateLimitPolicy.Name, l => (l.AddressBurst, l.AddressRefill), SsoRateLimitPolicy.WriteRefusalAsync);
        return services;
    }
}
