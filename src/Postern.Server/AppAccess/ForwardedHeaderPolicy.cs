using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Postern.Configuration;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// Decides the <c>X-Forwarded-*</c> values an app receives. <c>X-Forwarded-For</c> is the client's address alone
/// (<see cref="TrustedProxies"/>: the socket's peer, or behind a trusted proxy the client it names). Host, port and
/// scheme come from the app's public address, never from the client's <c>Host</c>.
/// </summary>
internal sealed class ForwardedHeaderPolicy(TrustedProxies proxies)
{
    public ForwardedValues For(HttpContext context, AppEntry app, PublicAddr web)
    {
        var scheme = web.Uri.Scheme;
        var port = app.Port ?? web.Uri.Port;
        var isDefault = (scheme == Uri.UriSchemeHttps && port == 443) || (scheme == Uri.UriSchemeHttp && port == 80);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return new ForwardedValues(
            proxies.ClientAddress(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"])?.ToString(),
            isDefault ? app.HostName : $"{app.HostName}:{portText}",
            scheme,
            portText);
    }
}
