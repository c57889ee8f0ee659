using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Postern.Configuration;
using Postern.Agent.Attestation;
using Postern.Agent.Bundles;
using Postern.Agent.Caching;
using Postern.Agent.Server;
using Postern.Agent.WorkloadApi;

namespace Postern.Agent;

/// <summary>
/// A running agent: the Workload API on its Unix socket (Kestrel, HTTP/2, every connection attested)
/// and the background loop that keeps its credential, the policy revision, the bundle and the SVID
/// cache current.
/// </summary>
public sealed class AgentHost : IAsyncDisposable
{
    /// <summary>The environment variable SPIFFE clients read the socket address from (<c>unix:///path</c>).</summary>
    public const string EndpointSocketVariable = "SPIFFE_ENDPOINT_SOCKET";

    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping;
    private readonly Task _loop;
    private readonly ServerLink _link;

    private AgentHost(WebApplication app, HttpClient http, CancellationTokenSource stopping, Task loop, ServerLink link, string socketPath)
    {
        _app = app;
        _http = http;
        _stopping = stopping;
        _loop = loop;
        _link = link;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>The diagnostic listener's address, e.g. <c>http://127.0.0.1:3001</c>; <c>null</c> without <see cref="AgentOptions.DiagAddr"/>.</summary>
    public Uri? DiagAddress { get; private init; }

    /// <summary>The trust domain the server named when the agent joined; null until it has.</summary>
    public string? TrustDomain => _link.Credential?.TrustDomain;

    /// <summary>The bot the agent acts as; null until it has joined.</summary>
    public string? Bot => _link.Credential?.Bot;

    internal ServerLink Link => _link;

    /// <summary>Joins (or takes the stored credential), binds the socket and returns once it listens.</summary>
    /// <exception cref="AgentStartException">The options are wrong, or the server refused the join token.</exception>
    public static async Task<AgentHost> StartAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux())
        {
            throw new AgentStartException("the agent runs on Linux only: it attests callers with SO_PEERCRED and /proc");
        }

        Validate(options);
        var credentialFile = new CredentialFile(options.DataDir);
        credentialFile.Secure();
        var socketPath = Path.GetFullPath(options.SocketPath);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Postern.Agent" });
        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is { } configure)
        {
            configure(builder.Logging);
        }
        else
        {
            builder.Logging.AddPosternConsole(options.Log, "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Grpc");
        }

        var handler = options.ServerHandler ?? ServerHttpHandler.Create(options);
        var http = new HttpClient(handler, disposeHandler: options.ServerHandler is null) { Timeout = options.ServerTimeout };
        var attestor = new UnixAttestor();

        ListenOptions? diagListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (options.DiagAddr is { } diag)
            {
                kestrel.Listen(diag.Listen.Address, diag.Listen.Port, listen => diagListen = listen);
            }

            kestrel.ListenUnixSocket(socketPath, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(AttestingConnectionMiddleware.Create(attestor));
            });
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(sp => new IssuanceApi(http, options.Server, sp.GetRequiredService<AgentTelemetry>()));
        services.AddSingleton<AgentTelemetry>();
        if (options.DiagAddr is not null)
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("postern-agent"))
                .WithMetrics(metrics => metrics.AddMeter(AgentTelemetry.MeterName).AddRuntimeInstrumentation().AddPrometheusExporter());
        }

        services.AddSingleton(credentialFile);
        services.AddSingleton(new SvidCache(options.CacheCapacity));
        services.AddSingleton<BundleWatch<JwtBundle>>();
        services.AddSingleton<BundleWatch<X509Bundle>>();
        services.AddSingleton<ServerLink>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<SecurityHeaderInterceptor>());

        var app = builder.Build();
        if (diagListen is not null)
        {
            app.UseAgentDiagDoor(diagListen);
        }

        app.MapGrpcService<WorkloadApiService>();
        var link = app.Services.GetRequiredService<ServerLink>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Postern.Agent");
        try
        {
            await link.InitializeAsync(cancellationToken).ConfigureAwait(false);
            RemoveStaleSocket(socketPath);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            // Any local process may connect: what it gets is decided by attestation, not by the file mode.
            File.SetUnixFileMode(socketPath, (UnixFileMode)0b110_110_110);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            http.Dispose();
            throw;
        }

        var stopping = new CancellationTokenSource();
        var loop = Task.Run(() => link.RunAsync(stopping.Token), CancellationToken.None);
        if (options.Outputs is { } outputs)
        {
            var files = new Outputs.FileOutputs(link, outputs, Outputs.FileOutputs.Self(attestor), options.Time, logger);
            loop = Task.WhenAll(loop, Task.Run(() => files.RunAsync(stopping.Token), CancellationToken.None));
        }

        logger.Listening(socketPath, link.Credential?.TrustDomain);
        return new AgentHost(app, http, stopping, loop, link, socketPath)
        {
            DiagAddress = diagListen?.IPEndPoint is { } bound ? new Uri($"http://{new Postern.Configuration.ListenAddr(bound.Address, bound.Port)}") : null,
        };
    }

    /// <summary>The socket path from <c>SPIFFE_ENDPOINT_SOCKET</c>'s value: <c>unix:///path</c> or a plain path.</summary>
    public static string? SocketPathFromEndpoint(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        const string Scheme = "unix://";
        return endpoint.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? endpoint[Scheme.Length..] : endpoint;
    }

    /// <summary>Waits until <paramref name="cancellationToken"/> is cancelled or the host stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        _stopping.Dispose();
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
        }
    }

    private static void Validate(AgentOptions options)
    {
        var errors = new List<string>();
        if (!options.Server.IsAbsoluteUri || (options.Server.Scheme != Uri.UriSchemeHttps && options.Server.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"the server address '{options.Server}' must be an absolute https:// (or http://) URL");
        }

        if (string.IsNullOrWhiteSpace(options.SocketPath))
        {
            errors.Add("a socket path is required (--socket or SPIFFE_ENDPOINT_SOCKET)");
        }

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add("a data folder is required (--data-dir)");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add("the poll interval must be positive");
        }

        if (options.CacheCapacity < 1)
        {
            errors.Add("the cache capacity must be at least 1");
        }

        if (options.CaFile is not null && options.InsecureSkipServerCertificateCheck)
        {
            errors.Add("--ca-file and --insecure exclude each other");
        }

        if (errors.Count > 0)
        {
            throw new AgentStartException(string.Join("; ", errors));
        }
    }

    private static void RemoveStaleSocket(string socketPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        if (Directory.Exists(socketPath))
        {
            throw new AgentStartException($"'{socketPath}' is a folder, not a socket");
        }

        var info = new FileInfo(socketPath);
        if (!info.Exists)
        {
            return;
        }

        // A socket left by an earlier run is empty; a file with content is something else, and is kept.
        if (info.Length > 0)
        {
            throw new AgentStartException($"'{socketPath}' exists and is not a socket");
        }

        File.Delete(socketPath);
    }
}
