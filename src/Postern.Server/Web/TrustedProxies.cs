using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Postern.Configuration;

namespace Postern.Server.Web;

/// <summary>
/// The client's address behind a load balancer. The client address is the socket's peer, unless that peer is in
/// <c>trusted_proxies</c>: then <c>X-Forwarded-For</c> is read from the right, skipping trusted addresses, and the
/// first address not trusted is the client (what a trusted proxy appended, not what the client wrote). Nothing
/// else moves it: with no <c>trusted_proxies</c>, the header is never read.
/// </summary>
internal sealed class TrustedProxies(PosternConfig config)
{
    private readonly IReadOnlyList<IPNetwork> _trusted = config.TrustedProxies;

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

    /// <summary>
    /// Sets each request's <c>Connection.RemoteIpAddress</c> to the client's address first thing, so that every door —
    /// the sign-in and join budgets, lockouts, the audit log's <c>remote_addr</c>, the app's <c>X-Forwarded-For</c> —
    /// sees the same client, and none reads <c>X-Forwarded-For</c> on its own.
    /// </summary>
    public static IApplicationBuilder Use(IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<TrustedProxies>();
        return proxies._trusted.Count == 0 ? app : app.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = proxies.ClientAddress(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"]);
            return next(context);
        });
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
