using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.Authority;
using Postern.Server.Storage;
using Postern.Server.Tls;
using Postern.Server.Web;
using Postern.Storage;

namespace Postern.Server;

/// <summary>
/// A running Postern server: the store, both authorities, and the web door on Kestrel.
/// <see cref="StartAsync"/> fails, having written nothing, when the key-encryption key does not
/// open the stored authorities.
/// </summary>
public sealed class PosternHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IBackend _store;
    private PublicAddr? _publicAddr;

    private PosternHost(WebApplication app, IBackend store, PosternConfig config, CertAuthorities authorities)
    {
        _app = app;
        _store = store;
        Config = config;
        Authorities = authorities;
        Signer = new TokenSigner(authorities);
    }

    /// <summary>The configuration the server runs with.</summary>
    public PosternConfig Config { get; }

    /// <summary>The authorities in use.</summary>
    public CertAuthorities Authorities { get; }

    /// <summary>The signing service.</summary>
    public TokenSigner Signer { get; }

    /// <summary>The store.</summary>
    public IBackend Store => _store;

    /// <summary>The public address: configured, or derived from the host name and the bound port.</summary>
    public PublicAddr PublicAddr => _publicAddr ?? throw new InvalidOperationException("the server has not started");

    /// <summary>The address Kestrel is bound to, e.g. <c>https://127.0.0.1:3080</c>.</summary>
    public Uri BoundAddress { get; private set; } = null!;

    /// <summary>The generated self-signed certificate's PEM file, when one is used.</summary>
    public string? GeneratedCertificatePath { get; private set; }

    /// <summary>Starts the server and returns once it listens.</summary>
    /// <exception cref="KeyEncryptionKeyException">The key-encryption key is missing, malformed or wrong for the store.</exception>
    public static async Task<PosternHost> StartAsync(PosternConfig config, PosternHostOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Postern" });
        void ConfigureLogging(ILoggingBuilder logging)
        {
            logging.ClearProviders();
            if (options.ConfigureLogging is { } configure)
            {
                configure(logging);
            }
            else
            {
                logging.AddSimpleConsole(o => o.SingleLine = true);
            }
        }

        ConfigureLogging(builder.Logging);
        using var bootLoggers = LoggerFactory.Create(ConfigureLogging);
        var kekSource = new KeyEncryptionKeySource(config.DataDir, options.Environment);
        var bootstrap = new AuthorityBootstrap(
            new StoreLocation(config, options.Time),
            kekSource,
            options.Time,
            bootLoggers.CreateLogger("Postern.Server.Startup"));
        var (store, kek, authorities) = await bootstrap.RunAsync(cancellationToken).ConfigureAwait(false);

        try
        {
            var certificate = config.Tls.Disabled ? null : ServerCertificate.Load(config, options.Time);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(config.ListenAddr.Address, config.ListenAddr.Port, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            });

            builder.Services.AddSingleton(options.Time);
            builder.Services.AddSingleton(store);
            builder.Services.AddSingleton(authorities);
            builder.Services.AddHostedService(sp => new AuthorityFollower(
                store, authorities, kek, kekSource.Origin, options.Time,
                sp.GetRequiredService<ILogger<AuthorityFollower>>()));

            var app = builder.Build();
            var host = new PosternHost(app, store, config, authorities)
            {
                GeneratedCertificatePath = certificate is not null && config.Tls.CertFile is null ? ServerCertificate.GeneratedCertPath(config.DataDir) : null,
            };
            var discovery = new DiscoveryDocuments(() => host.PublicAddr, authorities);
            app.MapKeySets(authorities, discovery);
            app.MapHealth(store, authorities);

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            host.OnStarted();
            return host;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void OnStarted()
    {
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = Config.ListenAddr.IsAny ? "127.0.0.1" : Config.ListenAddr.Host;
        BoundAddress = new Uri($"{Config.Scheme}://{host}:{port}");

        if (Config.PublicAddr is { } configured)
        {
            _publicAddr = configured;
        }
        else if (PublicAddr.TryParse($"{Config.Scheme}://{Dns.GetHostName().ToLowerInvariant()}:{port}", Config.Tls.Disabled, out var derived, out var reason))
        {
            _publicAddr = derived;
        }
        else
        {
            throw new InvalidOperationException($"cannot derive a public address from the host name: {reason}; set public_addr in postern.yaml");
        }

        var logger = _app.Services.GetRequiredService<ILogger<PosternHost>>();
        logger.Listening(BoundAddress.ToString(), PublicAddr.Text);
        if (Config.Tls.Disabled)
        {
            logger.TlsDisabled();
        }
    }

    /// <summary>Completes when the server stops (Ctrl+C, SIGTERM or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}
