using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Server.Web;

/// <summary>Registers what every door shares: the web settings, anti-forgery, JSON naming and data protection.</summary>
internal static class WebServices
{
    public static IServiceCollection AddWeb(this IServiceCollection services, WebSettings settings, IBackend store, KeyEncryptionKey kek)
    {
        services.TryAddSingleton(settings);
        services.TryAddSingleton<TrustedProxies>();
        services.AddStoreDataProtection(store, kek);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = settings.AntiforgeryCookie;
            o.Cookie.SecurePolicy = settings.Secure ? CookieSecurePolicy.Always : CookieSecurePolicy.None;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "_csrf";
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        return services;
    }
}
