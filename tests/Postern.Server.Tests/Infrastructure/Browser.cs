using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>
/// A client that behaves like a browser towards Postern: it keeps cookies per host, follows redirects,
/// and reaches every <c>*.localhost</c> name (and the web address) on the server's loopback port, since
/// .NET does not resolve <c>*.localhost</c> by itself.
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="cookies">A cookie jar shared with another browser (e.g. the same user reaching another instance); a new one by default.</param>
    public Browser(TestPostern server, bool followRedirects = true, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        var port = server.Host.BoundAddress.Port;
        Handler = new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            UseCookies = true,
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = 10,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (server.Host.GeneratedCertificatePath is { } certPath)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(certPath);
            Handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        _http = new HttpClient(Handler) { Timeout = TimeSpan.FromSeconds(30) };
        WebAddress = server.BaseUrl;
        Scheme = server.Host.BoundAddress.Scheme;
        Port = port;
    }

    public CookieContainer Cookies { get; }

    public SocketsHttpHandler Handler { get; }

    public string WebAddress { get; }

    public string Scheme { get; }

    public int Port { get; }

    public HttpClient Http => _http;

    /// <summary>The URL of an app host on this server, e.g. <c>https://whoami.localhost:PORT/path</c>.</summary>
    public string AppUrl(string host, string path = "/") => $"{Scheme}://{host}:{Port}{path}";

    public Task<HttpResponseMessage> LoginAsync(string username, string password, string? otp = null) =>
        _http.PostAsJsonAsync(WebAddress + "/v1/login", new { username, password, otp });

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>The value of the cookie <paramref name="name"/> this browser holds for <paramref name="url"/>.</summary>
    public string? Cookie(string url, string name) => Cookies.GetCookies(new Uri(url))[name]?.Value;

    public void Dispose() => _http.Dispose();
}
