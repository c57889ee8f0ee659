using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Authority;
using Postern.Authority.Pkcs11;
using Postern.Configuration;
using Postern.Resources;
using Postern.Audit;
using Postern.Server.Admin;
using Postern.Server.AppAccess;
using Postern.Server.Federation;
using Postern.Server.Audit;
using Postern.Server.Diagnostics;
using Postern.Server.Authority;
using Postern.Server.Locks;
using Postern.Server.Resources;
using Postern.Server.Sessions;
using Postern.Server.SignIn;
using Postern.Server.Sso;
using Postern.Server.State;
using Postern.Server.Storage;
using Postern.Server.Tls;
using Postern.Server.Users;
using Postern.Server.Web;
using Postern.Server.WebDoor;
using Postern.Server.WorkloadIdentity;
using Postern.Storage;
using Yarp.ReverseProxy.Forwarder;

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

    /// <summary>The diagnostic listener's address (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>), e.g. <c>http://127.0.0.1:3000</c>; <c>null</c> without <c>diag_addr</c>.</summary>
    public Uri? DiagAddress { get; private set; }

    /// <summary>The built-in demo app and the admin user's one-time password, when started with <see cref="PosternHostOptions.Demo"/>.</summary>
    public DemoSetup? Demo { get; private set; }

    /// <summary>Where admin commands find this server and its credential.</summary>
    public string AdminCredentialPath => Path.Combine(Config.DataDir, AdminCredential.FileName);

    internal IServiceProvider Services => _app.Services;

    internal ClusterState Cluster => _app.Services.GetRequiredService<ClusterState>();

    internal TimeProvider Time => _app.Services.GetRequiredService<TimeProvider>();

    /// <summary>The generated self-signed certificate's PEM file, when one is used.</summary>
    public string? GeneratedCertificatePath { get; private set; }

    /// <summary>Starts the server and returns once it listens.</summary>
    /// <exception cref="KeyEncryptionKeyException">The key-encryption key is missing, malformed or wrong for the store.</exception>
    public static async Task<PosternHost> StartAsync(PosternConfig config, PosternHostOptions options, CancellationToken cancellationToken)
    {
        // Postern reads postern.yaml, not appsettings.json: without this, the host would watch its content root (the
        // working folder, often holding data_dir) and wake on every write to the store.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Postern",
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        void ConfigureLogging(ILoggingBuilder logging)
        {
            logging.ClearProviders();
            if (options.ConfigureLogging is { } configure)
            {
                configure(logging);
            }
            else
            {
                // Postern's own events at the configured level; the framework's per-request chatter only when it matters.
                logging.AddPosternConsole(config.Log, "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Yarp");
            }
        }

        ConfigureLogging(builder.Logging);
        using var bootLoggers = LoggerFactory.Create(ConfigureLogging);
        var kekSource = new KeyEncryptionKeySource(config.DataDir, options.Environment);
        var vaults = Pkcs11KeyVaults.Open(config.Authorities, options.Environment);
        var bootstrap = new AuthorityBootstrap(
            new StoreLocation(config, options.Time),
            kekSource,
            config.Authorities,
            vaults.ByAuthority,
            new X509CaProfile(config.TrustDomain, config.WorkloadIdentity.X509.CaTtl),
            options.Time,
            bootLoggers.CreateLogger("Postern.Server.Startup"));
        IBackend store;
        AuthorityKeyring keyring;
        CertAuthorities authorities;
        try
        {
            (store, keyring, authorities) = await StoreWait.RunAsync(
                bootstrap.RunAsync,
                config,
                () => config.Tls.Disabled ? null : ServerCertificate.Load(config, options.Time),
                options.Time,
                bootLoggers.CreateLogger("Postern.Server.Startup"),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            vaults.Dispose();
            throw;
        }

        try
        {
            var certificate = config.Tls.Disabled ? null : ServerCertificate.Load(config, options.Time);
            ListenOptions? diagListen = null;
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                if (config.DiagAddr is { } diag)
                {
                    // Plain HTTP, as Prometheus scrapes by default; its own port, never the public one (ConfigLoader checks).
                    kestrel.Listen(diag.Listen.Address, diag.Listen.Port, listen => diagListen = listen);
                }

                kestrel.AddServerHeader = false;
                kestrel.Listen(config.ListenAddr.Address, config.ListenAddr.Port, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            });

            PosternHost? host = null;
            var settings = new WebSettings(config, () => host!.PublicAddr);
            var services = builder.Services;
            services.AddSingleton(options.Time);
            services.AddSingleton(config);
            services.AddSingleton(store);
            services.AddAudit(store, config.Audit, config.Audit.JournalFor(config.Storage) ? config.DataDir : null, await AuditServices.EnsureAuthorityAsync(store, keyring, options.Time, cancellationToken).ConfigureAwait(false), options.Time);
            services.AddWeb(settings, store, keyring.Kek);
            services.AddClusterState();
            services.AddAuthorities(store, authorities, keyring, options.Time);
            services.AddSessions();
            services.AddSignIn();
            services.AddAppAccess();
            services.AddUsers();
            services.AddLocks();
            services.AddWorkloadIdentity();
            services.AddFederation();
            services.AddResources();
            services.AddSso(options.Environment);
            services.AddAdmin(config.DataDir);
            services.AddDiagnostics(config, "postern");

            var app = builder.Build();
            app.Services.GetRequiredService<AuthorityMetrics>(); // its gauges exist from the start, not from first use
            host = new PosternHost(app, store, config, authorities)
            {
                // Closed after the container: the audit log seals its last checkpoint when it is disposed, and with an
                // HSM the audit key is on the token.
                Vaults = vaults,
                GeneratedCertificatePath = certificate is not null && config.Tls.CertFile is null ? ServerCertificate.GeneratedCertPath(config.DataDir) : null,
            };

            foreach (var upgraded in await PresetRoleSeeder.SeedAsync(store, cancellationToken).ConfigureAwait(false))
            {
                bootLoggers.CreateLogger("Postern.Server.Startup").PresetRoleUpgraded(upgraded);
            }

            // Deletes that a crash interrupted after their audit event was written are done now, before anything reads the store.
            var userPrefix = ResourceJson.Prefix(ResourceKinds.User);
            foreach (var deleted in await app.Services.GetRequiredService<AuditedWrites>().FinishInterruptedAsync(cancellationToken).ConfigureAwait(false))
            {
                if (deleted.StartsWith(userPrefix, StringComparison.Ordinal))
                {
                    await app.Services.GetRequiredService<SessionStore>().EndSessionsOfAsync(deleted[userPrefix.Length..], cancellationToken).ConfigureAwait(false);
                }
            }

            var cluster = app.Services.GetRequiredService<ClusterState>();
            await TotpSecretSealing.SealLegacySecretsAsync(app.Services.GetRequiredService<UserDirectory>(), store, keyring.Kek, cancellationToken).ConfigureAwait(false);
            await cluster.LoadAsync(cancellationToken).ConfigureAwait(false);

            if (diagListen is not null)
            {
                app.UseDiagDoor(diagListen);
            }

            TrustedProxies.Use(app);
            app.UseAuditBackPressure();
            var proxy = app.Services.GetRequiredService<AppProxy>();
            app.Use((context, next) => proxy.InvokeAsync(context, next));

            // Called here, after the app proxy, so that ASP.NET Core does not put it in front of everything: a request
            // for an app carries its own session and never needs the web address's authentication handlers.
            app.UseAuthentication();
            app.UseRouting();
            app.UseRateLimiter();
            app.MapWebDoor();
            app.MapTotpEnrolment();
            app.MapSso();
            app.MapWorkloadIdentity();
            app.MapAdmin();
            app.MapClientLogin();

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            host.OnStarted(diagListen);
            app.Services.GetRequiredService<AdminCredential>().Publish(host.BoundAddress);
            if (options.Demo)
            {
                host.Demo = await DemoSetup.StartAsync(host, cancellationToken).ConfigureAwait(false);
            }

            return host;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            vaults.Dispose();
            throw;
        }
    }

    private void OnStarted(ListenOptions? diagListen)
    {
        if (diagListen?.IPEndPoint is { } diag)
        {
            DiagAddress = new Uri($"http://{new ListenAddr(diag.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : diag.Address, diag.Port)}");
        }

        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => DiagAddress is null || new Uri(a).Port != DiagAddress.Port);
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

    /// <summary>The HSM sessions of the authorities' keys, closed when the host is disposed.</summary>
    private IDisposable? Vaults { get; init; }

    /// <summary>Completes when the server stops (Ctrl+C, SIGTERM or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Demo is not null)
        {
            await Demo.DisposeAsync().ConfigureAwait(false);
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Vaults?.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}
