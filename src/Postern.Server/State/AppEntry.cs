using Postern.Configuration;

namespace Postern.Server.State;

/// <summary>
/// An application the proxy serves, from <c>postern.yaml</c> (revision 0) or from the store: its configuration
/// and revision only. The HTTP client that reaches its upstream is made by the app door's client factory.
/// </summary>
internal sealed class AppEntry
{
    public AppEntry(AppConfig config, long revision, bool fromConfig)
    {
        Config = config;
        Revision = revision;
        FromConfig = fromConfig;
        var colon = config.PublicAddr.LastIndexOf(':');
        HostName = colon < 0 ? config.PublicAddr : config.PublicAddr[..colon];
        Port = colon < 0 ? null : int.Parse(config.PublicAddr.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        Audience = config.Uri.OriginalString;
        DestinationPrefix = config.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public AppConfig Config { get; }

    public string Name => Config.Name;

    /// <summary>The store revision of the app's resource; 0 for an app from the configuration file.</summary>
    public long Revision { get; }

    public bool FromConfig { get; }

    /// <summary>The public host name, lower case, without port: what requests are matched on.</summary>
    public string HostName { get; }

    /// <summary>The port of the public address, when it names one.</summary>
    public int? Port { get; }

    /// <summary>The assertion's <c>aud</c>: the app's URI exactly as configured.</summary>
    public string Audience { get; }

    /// <summary>Where requests go: the app's URI without a trailing slash, to which the request path is appended.</summary>
    public string DestinationPrefix { get; }

    /// <summary>The app's address as browsers reach it, e.g. <c>https://grafana.example.com:3080</c>.</summary>
    public string PublicOrigin(string scheme, int webPort)
    {
        var port = Port ?? webPort;
        var isDefault = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
        return isDefault ? $"{scheme}://{HostName}" : $"{scheme}://{HostName}:{port}";
    }
}
