using Microsoft.Extensions.Logging;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

public static partial class ConfigLoader
{
    private static readonly Dictionary<string, LogLevel> LogLevels = new(StringComparer.Ordinal)
    {
        ["debug"] = LogLevel.Debug,
        ["info"] = LogLevel.Information,
        ["warn"] = LogLevel.Warning,
        ["error"] = LogLevel.Error,
    };

    /// <summary>Reads <c>diag_addr</c> and <c>diag_addr_public</c>; the address may not be the public listener's.</summary>
    private static DiagAddr? ReadDiagAddr(YamlCursor c, Dictionary<string, YamlNode>? root, ListenAddr? listen)
    {
        var text = c.String(root, "diag_addr", "");
        var isPublic = c.Bool(root, "diag_addr_public", "");
        if (text is null)
        {
            if (isPublic is not null)
            {
                c.Error("diag_addr_public", "applies only with diag_addr");
            }

            return null;
        }

        if (!DiagAddr.TryParse(text, isPublic ?? false, out var addr, out var reason))
        {
            c.Error("diag_addr", reason);
            return null;
        }

        if (listen is not null && addr!.Collides(listen))
        {
            c.Error("diag_addr", $"'{text}' takes listen_addr's port {listen.Port}: the diagnostic listener never shares the public port");
            return null;
        }

        return addr;
    }

    /// <summary>Reads <c>log: {format: text|json, level: debug|info|warn|error}</c>.</summary>
    private static LogConfig ReadLog(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("log", out var node) ? c.Mapping(node, "log", "format", "level") : null;
        var format = c.String(map, "format", "log") ?? "text";
        var level = c.String(map, "level", "log") ?? "info";
        var config = new LogConfig();
        switch (format)
        {
            case "text":
                break;
            case "json":
                config = config with { Format = LogFormat.Json };
                break;
            default:
                c.Error("log.format", $"unknown format '{format}' (expected text or json)");
                break;
        }

        if (LogLevels.TryGetValue(level, out var parsed))
        {
            config = config with { Level = parsed };
        }
        else
        {
            c.Error("log.level", $"unknown level '{level}' (expected {string.Join(", ", LogLevels.Keys)})");
        }

        return config;
    }

    /// <summary>Reads <c>telemetry: {otlp_endpoint: http(s)://host:port, trace_sample_ratio: 0.1, http_metrics: false}</c>.</summary>
    private static TelemetryConfig ReadTelemetry(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("telemetry", out var node) ? c.Mapping(node, "telemetry", "otlp_endpoint", "trace_sample_ratio", "http_metrics") : null;
        var httpMetrics = c.Bool(map, "http_metrics", "telemetry") ?? false;
        var ratioText = c.String(map, "trace_sample_ratio", "telemetry");
        var ratio = TelemetryConfig.DefaultTraceSampleRatio;
        if (ratioText is not null && (!double.TryParse(ratioText, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out ratio) || !(ratio is >= 0 and <= 1)))
        {
            c.Error("telemetry.trace_sample_ratio", $"'{ratioText}' is not a number from 0 to 1 (e.g. 0.1 records one trace in ten)");
            ratio = TelemetryConfig.DefaultTraceSampleRatio;
        }

        var text = c.String(map, "otlp_endpoint", "telemetry");
        if (text is null)
        {
            return new TelemetryConfig { TraceSampleRatio = ratio, HttpMetrics = httpMetrics };
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0 || endpoint.AbsolutePath != "/")
        {
            // The value is not echoed: it may hold credentials.
            c.Error("telemetry.otlp_endpoint", "not an OTLP/HTTP base address: http(s)://host:port, with no path, query or credentials (e.g. http://collector:4318)");
            return new TelemetryConfig { TraceSampleRatio = ratio, HttpMetrics = httpMetrics };
        }

        return new TelemetryConfig { OtlpEndpoint = endpoint, TraceSampleRatio = ratio, HttpMetrics = httpMetrics };
    }
}
