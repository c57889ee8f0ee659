using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Postern.Configuration;

namespace Postern.Server.Diagnostics;

/// <summary>
/// Registers OpenTelemetry: Postern's meters (every <c>Postern.*</c>) and the runtime's (with
/// <c>telemetry.http_metrics</c>, ASP.NET Core's and the HTTP client's too), read by the Prometheus exporter when <c>diag_addr</c> is set and sent by OTLP when
/// <c>telemetry.otlp_endpoint</c> is; spans (Postern's sources, incoming requests, calls to apps) only with OTLP,
/// the one place they would go.
/// </summary>
internal static class DiagnosticsServices
{
    /// <summary>Every meter and activity source of Postern's parts is named <c>Postern.&lt;Part&gt;</c>.</summary>
    public const string PosternNames = "Postern.*";

    public static IServiceCollection AddDiagnostics(this IServiceCollection services, PosternConfig config, string serviceName)
    {
        var otlp = config.Telemetry.OtlpEndpoint;
        if (config.DiagAddr is null && otlp is null)
        {
            return services;
        }

        services.AddHostedService<ReadinessProbe>();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(serviceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(PosternNames).AddRuntimeInstrumentation();
            if (config.Telemetry.HttpMetrics)
            {
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            }

            if (config.DiagAddr is not null)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(o => Otlp(o, otlp, "v1/metrics"));
            }
        });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.Telemetry.TraceSampleRatio)))
                .AddSource(PosternNames)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o => Otlp(o, otlp, "v1/traces")));
        }

        return services;
    }

    private static void Otlp(OtlpExporterOptions options, Uri endpoint, string signal)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = new Uri(endpoint, signal);
    }
}
