using Microsoft.Extensions.Logging;

namespace Postern.Configuration;

/// <summary>The <c>log</c> section: how lines are written to standard output, and from which level.</summary>
public sealed record LogConfig
{
    /// <summary><c>text</c> (one line per event, for people) or <c>json</c> (one JSON object per line, for collectors).</summary>
    public LogFormat Format { get; init; } = LogFormat.Text;

    /// <summary>The lowest level written for Postern's own events (the framework's stay at warning).</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;
}
