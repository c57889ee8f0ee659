namespace Postern.Configuration;

/// <summary>The <c>telemetry</c> section.</summary>
public sealed record TelemetryConfig
{
    /// <summary>
    /// An OpenTelemetry collector's OTLP/HTTP base address (e.g. <c>http://collector:4318</c>): when set, spans and
    /// metrics are sent there; when not, no span is recorded (trace context is still passed to apps).
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }
}
