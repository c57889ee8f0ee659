using System.Net;
using System.Net.Sockets;

namespace Postern.Testing;

/// <summary>A loopback port that was free a moment ago, for configs that must name their port up front.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
