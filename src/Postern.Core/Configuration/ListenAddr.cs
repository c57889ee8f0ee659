using System.Globalization;
using System.Net;

namespace Postern.Configuration;

/// <summary>The address and port Postern listens on, e.g. <c>127.0.0.1:3080</c> or <c>[::]:3080</c>.</summary>
public sealed record ListenAddr(IPAddress Address, int Port)
{
    /// <summary>Parses <c>host:port</c>, where host is an IP address, <c>[v6]</c> or <c>localhost</c>.</summary>
    public static bool TryParse(string text, out ListenAddr? addr, out string reason)
    {
        addr = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            reason = "must be host:port, e.g. 127.0.0.1:3080";
            return false;
        }

        var host = text[..colon];
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            reason = $"port '{text[(colon + 1)..]}' is not a number from 0 to 65535";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addr = new ListenAddr(IPAddress.Loopback, port);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            addr = new ListenAddr(ip, port);
        }
        else
        {
            reason = $"host '{host}' is not an IP address (use 0.0.0.0 to listen on every interface)";
            return false;
        }

        reason = "";
        return true;
    }

    /// <summary>The address as it stands in a URL: <c>127.0.0.1</c> or <c>[::1]</c>.</summary>
    public string Host => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();

    /// <summary>Whether this is a wildcard address (every interface).</summary>
    public bool IsAny => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    /// <inheritdoc/>
    public override string ToString() => $"{Host}:{Port}";
}
