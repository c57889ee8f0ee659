using System.Net;

namespace Postern.Server.Web;

/// <summary>
/// The client address that per-address limits (sign-in, joins) are kept for: an IPv4 address as it is, an IPv6 address by its /64
/// prefix (one site or host usually holds a whole /64, so single addresses would cost an attacker nothing).
/// </summary>
internal static class ClientAddress
{
    public const string Unknown = "unknown";

    public static string Key(string? remoteAddress) =>
        IPAddress.TryParse(remoteAddress, out var address) ? Key(address) : Unknown;

    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return new IPAddress(bytes) + "/64";
    }
}
