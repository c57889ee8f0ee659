using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

using Postern.Testing;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>
/// A client whose connections come from a chosen loopback address (e.g. <c>127.0.0.2</c>): Linux routes all of
/// <c>127.0.0.0/8</c> to the loopback interface, so a test can play clients at several addresses against a server
/// bound to <c>127.0.0.1</c>. Requests go over HTTP/2, so many of them share one connection.
/// </summary>
internal static class SourceAddressClient
{
    public static HttpClient Create(TestPostern server, IPAddress from)
    {
        var target = new IPEndPoint(IPAddress.Loopback, server.Host.BoundAddress.Port);
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(target, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (server.Host.GeneratedCertificatePath is { } certificatePath)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        return new HttpClient(handler)
        {
            BaseAddress = new Uri(server.BaseUrl),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }
}
