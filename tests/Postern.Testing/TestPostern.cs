using System.Security.Cryptography.X509Certificates;
using Postern.Configuration;
using Postern.Server;

namespace Postern.Testing;

/// <summary>A real Postern server on 127.0.0.1 (real Kestrel, real SQLite store) in a temporary data folder.</summary>
public sealed class TestPostern : IAsyncDisposable
{
    private TestPostern(PosternHost host, HttpClient http)
    {
        Host = host;
        Http = http;
    }

    public PosternHost Host { get; }

    /// <summary>A client for the web address that trusts the server's self-signed certificate only.</summary>
    public HttpClient Http { get; }

    public string BaseUrl => Host.BoundAddress.ToString().TrimEnd('/');

    public string CertificatePath => Host.GeneratedCertificatePath!;

    /// <summary>
    /// Starts a server whose data folder is <paramref name="dataDir"/>, on a port chosen now, with
    /// <c>public_addr</c> = its loopback address so that clients on this machine can reach the issuer.
    /// </summary>
    public static async Task<TestPostern> StartAsync(string dataDir, string extraYaml = "", Func<string, string?>? environment = null, TimeProvider? time = null, bool demo = false, Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var port = FreePort.Next();
        var tlsDisabled = extraYaml.Contains("disabled: true", StringComparison.Ordinal);
        var scheme = tlsDisabled ? "http" : "https";
        var yaml = $"""
            cluster_name: test.example.com
            listen_addr: 127.0.0.1:{port}
            public_addr: {scheme}://127.0.0.1:{port}
            data_dir: {dataDir}
            {extraYaml}
            """;
        var config = ConfigLoader.Parse(yaml, dataDir);
        var host = await PosternHost.StartAsync(config, new PosternHostOptions
        {
            Environment = environment ?? (_ => null),
            Time = time ?? TimeProvider.System,
            ConfigureLogging = logs is null ? _ => { } : logging => logging.Services.Add(new Microsoft.Extensions.DependencyInjection.ServiceDescriptor(typeof(Microsoft.Extensions.Logging.ILoggerProvider), logs)),
            Demo = demo,
        }, CancellationToken.None);
        return new TestPostern(host, CreateClient(host.GeneratedCertificatePath));
    }

    public static HttpClient CreateClient(string? trustedCertificatePath)
    {
        var handler = new SocketsHttpHandler();
        if (trustedCertificatePath is not null)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(trustedCertificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
