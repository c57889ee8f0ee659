using System.Net;

namespace Postern.Configuration;

/// <summary>
/// The diagnostic listener's address (<c>diag_addr</c>, <c>postern agent --diag-addr</c>): <c>/metrics</c>,
/// <c>/healthz</c> and <c>/readyz</c> on a port of their own. A loopback address (<c>127.0.0.0/8</c>, <c>::1</c>,
/// <c>localhost</c>) is taken as written; any other address, the wildcards included, only when the operator says
/// so with <c>diag_addr_public: true</c> (<c>--diag-addr-public</c>), since metrics name every app and authority.
/// </summary>
public sealed record DiagAddr(ListenAddr Listen)
{
    /// <summary>Parses <paramref name="text"/> as <c>host:port</c> under the loopback rule.</summary>
    public static bool TryParse(string text, bool publicAllowed, out DiagAddr? addr, out string reason)
    {
        addr = null;
        if (!ListenAddr.TryParse(text, out var listen, out reason))
        {
            return false;
        }

        var loopback = IPAddress.IsLoopback(listen!.Address);
        if (!loopback && !publicAllowed)
        {
            reason = $"'{text}' is not a loopback address: the metrics name every app and authority, so a diagnostic listener "
                + "reachable from other hosts must be asked for explicitly (diag_addr_public: true; for the agent, --diag-addr-public)";
            return false;
        }

        if (loopback && publicAllowed)
        {
            reason = $"'{text}' is a loopback address: diag_addr_public (--diag-addr-public) applies to a non-loopback address only; remove it";
            return false;
        }

        addr = new DiagAddr(listen);
        reason = "";
        return true;
    }

    /// <summary>Whether this listener would take the public listener's port (never allowed): same port, other than 0, on overlapping addresses.</summary>
    public bool Collides(ListenAddr publicListen) =>
        Listen.Port != 0 && Listen.Port == publicListen.Port
        && (Listen.IsAny || publicListen.IsAny || Listen.Address.Equals(publicListen.Address));

    /// <summary>
    /// Whether a connection accepted at <paramref name="localAddress"/>:<paramref name="localPort"/> came in on the listener
    /// bound at <paramref name="bound"/>: its port, and its address unless that is a wildcard.
    /// </summary>
    public static bool Received(IPEndPoint bound, IPAddress? localAddress, int localPort)
    {
        ArgumentNullException.ThrowIfNull(bound);
        if (localPort != bound.Port)
        {
            return false;
        }

        return bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any)
            || (localAddress is not null && (localAddress.Equals(bound.Address) || (localAddress.IsIPv4MappedToIPv6 && localAddress.MapToIPv4().Equals(bound.Address))));
    }

    /// <inheritdoc/>
    public override string ToString() => Listen.ToString();
}
