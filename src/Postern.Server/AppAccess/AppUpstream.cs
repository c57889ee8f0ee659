using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>
/// The one way a request reaches an app: through <see cref="IHttpForwarder"/>, with the app's own HTTP client and an
/// <see cref="AppRequestTransformer"/> (header hygiene, the assertion, templated headers, cookie filter,
/// <c>X-Forwarded-*</c>). The proxy sends users' and workloads' requests here, and <c>postern doctor app</c> its probes.
/// </summary>
internal sealed class AppUpstream(ClusterState cluster, WebSettings settings, ForwardedHeaderPolicy forwarding, IHttpForwarder forwarder, AppClientFactory clients, ILogger<AppProxy> logger)
{
    /// <summary>
    /// Forwards <paramref name="context"/>'s request to <paramref name="app"/> as <paramref name="identity"/> with
    /// <paramref name="assertions"/>; the app's answer (or Postern's 431 or 502) is written to <paramref name="context"/>.
    /// A probe of <c>postern doctor app</c> names itself in <paramref name="probe"/>.
    /// </summary>
    public async Task<UpstreamOutcome> SendAsync(
        HttpContext context, AppEntry app, User identity, IReadOnlyList<string> assertions, HeaderBudget budget, string publicOrigin, ForwarderRequestConfig config, string? probe = null)
    {
        var web = settings.PublicAddr;
        var cookies = new UpstreamCookieFilter(app.HostName, [web.Host, .. cluster.Apps.Select(a => a.HostName)]);
        var transformer = new AppRequestTransformer(app, identity, assertions, budget, publicOrigin, forwarding.For(context, app, web), cookies, logger, probe);
        var error = await forwarder.SendAsync(context, app.DestinationPrefix, clients.ClientFor(app), config, transformer).ConfigureAwait(false);
        return new UpstreamOutcome(error, transformer.OverBudget);
    }
}
