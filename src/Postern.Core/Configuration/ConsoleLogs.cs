using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Postern.Configuration;

/// <summary>
/// Standard output as the <c>log</c> section says: single-line text, or the built-in JSON console formatter (one object
/// per line, UTC timestamp, the trace and span ids of the current activity among its scopes). The framework's
/// categories (<paramref name="quiet"/>) write warnings and above only, whatever the level.
/// </summary>
public static class ConsoleLogs
{
    /// <summary>Adds the console provider to <paramref name="logging"/> as <paramref name="log"/> asks.</summary>
    public static ILoggingBuilder AddPosternConsole(this ILoggingBuilder logging, LogConfig log, params string[] quiet)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(log);
        if (log.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
            logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        }
        else
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        logging.SetMinimumLevel(log.Level);
        foreach (var category in quiet)
        {
            logging.AddFilter(category, log.Level > LogLevel.Warning ? log.Level : LogLevel.Warning);
        }

        return logging;
    }
}
