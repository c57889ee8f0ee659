using System.Net.WebSockets;
using System.Text;

namespace Postern.Testing;

/// <summary>A WebSocket through Postern to an <see cref="Upstream"/>'s echo at <c>/echo</c>, opened with a browser's cookies.</summary>
public static class EchoSocket
{
    /// <summary>Opens the echo on the app host <paramref name="host"/> and checks that one message comes back.</summary>
    public static async Task<ClientWebSocket> OpenAsync(Browser browser, string host)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri(browser.AppUrl(host, "/echo").Replace("https://", "wss://", StringComparison.Ordinal));
        await socket.ConnectAsync(uri, new HttpMessageInvoker(browser.Handler, false), CancellationToken.None);
        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var first = await NextAsync(socket).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("ping", first.Message);
        return socket;
    }

    /// <summary>The next message, or a <c>null</c> message when the socket was closed or cut; and when that happened.</summary>
    public static async Task<Received> NextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        try
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            return received.MessageType == WebSocketMessageType.Close
                ? new Received(null, DateTime.UtcNow)
                : new Received(Encoding.UTF8.GetString(buffer, 0, received.Count), DateTime.UtcNow);
        }
        catch (WebSocketException)
        {
            return new Received(null, DateTime.UtcNow);
        }
    }

    /// <summary>A message, or <c>null</c> for the end of the socket, and the time it came.</summary>
    public sealed record Received(string? Message, DateTime At);
}
