using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Postern.Configuration;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>
/// Decides the <c>X-Forwarded-*</c> values an app receives. The client address is the socket's peer, unless that
/// peer is in <c>trusted_proxies</c>: then <c>X-Forwarded-For</c> is read from the right, skipping trusted
/// addresses, and the first address not trusted is the client (what a trusted proxy appended, not what the client
/// wrote). Host, port and scheme come from the app's public address, never from the client's <c>Host</c>.
/// </summary>
internal sealed class ForwardedHeaderPolicy(PosternConfig config)
{
    private readonly IReadOnlyList<IPNetwork> _trusted = config.TrustedProxies;

    public ForwardedValues For(HttpContext context, AppEntry app, PublicAddr web)
    {
        var scheme = web.Uri.Scheme;
        var port = app.Port ?? web.Uri.Port;
        var isDefault = (scheme == Uri.UriSchemeHttps && port == 443) || (scheme == Uri.UriSchemeHttp && port == 80);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return new ForwardedValues(
            ClientAddress(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"])?.ToString(),
            isDefault ? app.HostName : $"{app.HostName}:{portText}",
            scheme,
            portText);
    }

    /// <summary>The client's address: <paramref name="peer"/>, or when it is a trusted proxy, the right-most untrusted address of <paramref name="forwardedFor"/>.</summary>
    public IPAddress? ClientAddress(IPAddress? peer, StringValues forwardedFor)
    {
        if (peer is null)
        {
            return null;
        }

        var client = Normalize(peer);
        if (_trusted.Count == 0 || !IsTrusted(client))
        {
            return client;
        }

        // Every X-Forwarded-For line in order, as one list; a proxy appends, so the nearest hop is on the right.
        var hops = new List<string>();
        foreach (var line in forwardedFor)
        {
            hops.AddRange((line ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (!IPEndPoint.TryParse(hops[i], out var hop))
            {
                // A trusted proxy handed over something that is not an address: go no further than that proxy.
                return client;
            }

            client = Normalize(hop.Address);
            if (!IsTrusted(client))
            {
                return client;
            }
        }

        // Every hop is trusted: the left-most is the furthest known.
        return client;
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
