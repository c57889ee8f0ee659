using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Postern.Bench.BareProxy;

/// <summary>
/// YARP with one catch-all route to one destination, default transforms and no logging: what
/// a reverse proxy on this runtime costs before Postern adds sessions and assertions.
/// </summary>
internal static class BareProxy
{
    private const string Usage = "usage: Postern.Bench.BareProxy --listen http://127.0.0.1:PORT --upstream http://127.0.0.1:PORT";

    /// <summary>Parses the command line and proxies until stopped (Ctrl+C or SIGTERM).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var listen, out var upstream))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "upstream",
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
                {
                    ["upstream"] = new DestinationConfig { Address = upstream },
                },
            }]);

        var app = builder.Build();
        app.Urls.Clear();
        app.Urls.Add(listen);
        app.MapReverseProxy();
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static bool TryParse(string[] args, out string listen, out string upstream)
    {
        listen = upstream = "";
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--listen": listen = args[i + 1]; break;
                case "--upstream": upstream = args[i + 1]; break;
                default: return false;
            }
        }

        return args.Length % 2 == 0
            && Uri.TryCreate(listen, UriKind.Absolute, out _)
            && Uri.TryCreate(upstream, UriKind.Absolute, out _);
    }
}
