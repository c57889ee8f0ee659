namespace Postern.Configuration;

/// <summary>The <c>telemetry</c> section.</summary>
public sealed record TelemetryConfig
{
    /// <summary>
    /// An OpenTelemetry collector's OTLP/HTTP base address (e.g. <c>http://collector:4318</c>): when set, spans and
    /// metrics are sent there; when not, no span is recorded (trace context is still passed to apps).
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The default share of new traces recorded: a proxy's every request is too many spans to keep.</summary>
    public const double DefaultTraceSampleRatio = 0.1;

    /// <summary>
    /// The share of traces Postern starts that are recorded (0 to 1, by trace id); a request whose client sent a
    /// sampled or unsampled <c>traceparent</c> follows the client's decision.
    /// </summary>
    public double TraceSampleRatio { get; init; } = DefaultTraceSampleRatio;

    /// <summary>
    /// Whether ASP.NET Core's and the HTTP client's own request metrics (<c>http.server.*</c>, <c>http.client.*</c>,
    /// Kestrel's) are kept beside Postern's. Off by default: they duplicate <c>postern.app.*</c> and cost the proxy
    /// about a tenth of its throughput (docs/performance.md).
    /// </summary>
    public bool HttpMetrics { get; init; }
}
