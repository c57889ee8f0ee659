using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Testing;

/// <summary>
/// A client that behaves like a browser towards Postern: it keeps cookies per host, follows redirects,
/// and reaches every <c>*.localhost</c> name (and the web address) on the server's loopback port, since
/// .NET does not resolve <c>*.localhost</c> by itself; an IP address with its own port (an identity
/// provider) is reached as asked.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="cookies">A cookie jar shared with another browser (e.g. the same user reaching another instance); a new one by default.</param>
    /// <param name="from">
    /// The loopback address its connections come from (e.g. <c>127.0.0.7</c>: Linux routes all of <c>127.0.0.0/8</c> to the
    /// loopback), so that a test can play people at several client addresses; the system's choice by default.
    /// </param>
    public Browser(TestPostern server, bool followRedirects = true, CookieContainer? cookies = null, IPAddress? from = null)
        : this(server.BaseUrl, server.Host.GeneratedCertificatePath, followRedirects, cookies, from)
    {
    }

    /// <summary>A browser for the server at <paramref name="webAddress"/> (e.g. one started as a process), trusting <paramref name="certificatePath"/>.</summary>
    public Browser(string webAddress, string? certificatePath, bool followRedirects = true, CookieContainer? cookies = null, IPAddress? from = null)
    {
        Cookies = cookies ?? new CookieContainer();
        var address = new Uri(webAddress);
        var port = address.Port;
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
                    // An address given as an IP literal (an identity provider on the loopback) is reached as asked.
                    var target = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                        ? new IPEndPoint(literal, context.DnsEndPoint.Port)
                        : new IPEndPoint(IPAddress.Loopback, port);
                    if (from is not null)
                    {
                        socket.Bind(new IPEndPoint(from, 0));
                    }

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
        if (certificatePath is { } certPath)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(certPath);
            Handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        _http = new HttpClient(Handler) { Timeout = TimeSpan.FromSeconds(30) };
        WebAddress = webAddress.TrimEnd('/');
        Scheme = address.Scheme;
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
