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
            // 10.1.2.3/8 parses (as 10.0.0.0/8) but was likely meant as one address: refused rather than widened.
            if (IPNetwork.TryParse(text, out var network) && IPAddress.TryParse(text.Split('/')[0], out var written) && written.Equals(network.BaseAddress))
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
