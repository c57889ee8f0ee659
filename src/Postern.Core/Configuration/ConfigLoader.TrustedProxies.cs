using System.Net;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

public static partial class ConfigLoader
{
    /// <summary>Reads <c>trusted_proxies</c>: CIDRs (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses.</summary>
    private static IReadOnlyList<IPNetwork> ReadTrustedProxies(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var items = c.Strings(root, "trusted_proxies", "");
        var networks = new List<IPNetwork>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i].Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                c.Error($"trusted_proxies[{i}]",
                    $"'{items[i]}' is not a network in CIDR notation with no bits set after the prefix (e.g. 10.0.0.0/8, 192.168.1.10/32, fd00::/8)");
            }
        }

        return networks;
    }
}
