using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Storage;

namespace Postern.Server.WebDoor;

/// <summary>The web door's endpoints: key sets and discovery, health, sign-in, the launcher and sign-up.</summary>
internal static class WebDoorEndpoints
{
    public static IEndpointRouteBuilder MapWebDoor(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var authorities = services.GetRequiredService<CertAuthorities>();
        var settings = services.GetRequiredService<WebSettings>();
        var leader = services.GetRequiredService<ClusterLeader>();
        var discovery = new DiscoveryDocuments(() => settings.PublicAddr, authorities);
        app.MapKeySets(authorities, discovery, services.GetRequiredService<PosternConfig>().Authorities.KeySetMaxAge);
        app.MapHealth(services.GetRequiredService<IBackend>(), authorities, () => leader.IsLeader);
        app.MapLogin();
        app.MapLauncher();
        app.MapSignup();
        return app;
    }
}
