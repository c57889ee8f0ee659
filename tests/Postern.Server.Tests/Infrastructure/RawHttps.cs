using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>
/// Sends one HTTP/1.1 request written byte for byte, as an attacker's client can: header names in any case,
/// with '_', repeated on several lines, none merged or renamed the way <see cref="HttpClient"/> would.
/// </summary>
internal static class RawHttps
{
    /// <summary>Sends <paramref name="headerLines"/> (each <c>Name: value</c>) after the request line and reads the whole answer.</summary>
    public static async Task<RawResponse> SendAsync(int port, bool tls, string method, string target, IEnumerable<string> headerLines)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (tls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
            stream = ssl;
        }

        await using (stream)
        {
            var request = new StringBuilder($"{method} {target} HTTP/1.1\r\n");
            foreach (var line in headerLines)
            {
                request.Append(line).Append("\r\n");
            }

            request.Append("Connection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()));
            using var reader = new StreamReader(stream, Encoding.Latin1);
            var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = (end < 0 ? text : text[..end]).Split("\r\n");
            var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = head.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0], p.Length > 1 ? p[1].Trim() : "")).ToList();
            return new RawResponse(status, headers, end < 0 ? "" : text[(end + 4)..]);
        }
    }
}

internal sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public IEnumerable<string> All(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}
