using Microsoft.Extensions.Logging;
using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

/// <summary><c>diag_addr</c>, <c>diag_addr_public</c>, <c>log</c> and <c>telemetry</c> in <c>postern.yaml</c>.</summary>
public sealed class ObservabilityConfigTests
{
    private static PosternConfig Parse(string yaml) => ConfigLoader.Parse(yaml, "/etc/postern");

    private static string Error(string yaml) =>
        Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors).ToString();

    [Fact]
    public void Without_the_settings_there_is_no_diagnostic_listener_text_logs_at_info_and_no_OTLP()
    {
        var config = Parse("");

        Assert.Null(config.DiagAddr);
        Assert.Equal(LogFormat.Text, config.Log.Format);
        Assert.Equal(LogLevel.Information, config.Log.Level);
        Assert.Null(config.Telemetry.OtlpEndpoint);
    }

    [Theory]
    [InlineData("127.0.0.1:3000", "127.0.0.1:3000")]
    [InlineData("127.3.4.5:3000", "127.3.4.5:3000")]
    [InlineData("localhost:3000", "127.0.0.1:3000")]
    [InlineData("'[::1]:3000'", "[::1]:3000")]
    public void A_loopback_diag_addr_is_taken_as_written(string yaml, string expected) =>
        Assert.Equal(expected, Parse($"diag_addr: {yaml}").DiagAddr!.ToString());

    [Theory]
    [InlineData("0.0.0.0:3000")]
    [InlineData("'[::]:3000'")]
    [InlineData("10.1.2.3:3000")]
    [InlineData("192.168.1.20:3000")]
    public void A_non_loopback_diag_addr_is_refused_unless_diag_addr_public_says_so(string address)
    {
        var error = Error($"diag_addr: {address}");
        Assert.StartsWith("diag_addr: ", error, StringComparison.Ordinal);
        Assert.Contains("not a loopback address", error, StringComparison.Ordinal);
        Assert.Contains("diag_addr_public: true", error, StringComparison.Ordinal);

        Assert.NotNull(Parse($"diag_addr: {address}\ndiag_addr_public: true").DiagAddr);
    }

    [Fact]
    public void Diag_addr_public_on_a_loopback_address_or_alone_is_refused()
    {
        Assert.Contains("applies to a non-loopback address only", Error("diag_addr: 127.0.0.1:3000\ndiag_addr_public: true"), StringComparison.Ordinal);
        Assert.Equal("diag_addr_public: applies only with diag_addr", Error("diag_addr_public: true"));
        Assert.Equal("127.0.0.1:3000", Parse("diag_addr_public: false\ndiag_addr: 127.0.0.1:3000").DiagAddr!.ToString());
    }

    [Theory]
    [InlineData("listen_addr: 127.0.0.1:3080\ndiag_addr: 127.0.0.1:3080")]
    [InlineData("listen_addr: 0.0.0.0:3080\ndiag_addr: 127.0.0.1:3080")]
    [InlineData("listen_addr: 127.0.0.1:3080\ndiag_addr: 0.0.0.0:3080\ndiag_addr_public: true")]
    public void The_diagnostic_listener_never_takes_the_public_port(string yaml) =>
        Assert.Contains("never shares the public port", Error(yaml), StringComparison.Ordinal);

    [Theory]
    [InlineData("diag_addr: nowhere:3000", "diag_addr: host 'nowhere' is not an IP address")]
    [InlineData("diag_addr: 127.0.0.1:99999", "diag_addr: port '99999' is not a number")]
    public void A_diag_addr_that_is_not_an_address_is_refused(string yaml, string expected) =>
        Assert.StartsWith(expected, Error(yaml), StringComparison.Ordinal);

    [Theory]
    [InlineData("json", "debug", LogFormat.Json, LogLevel.Debug)]
    [InlineData("text", "warn", LogFormat.Text, LogLevel.Warning)]
    [InlineData("json", "error", LogFormat.Json, LogLevel.Error)]
    public void The_log_section_sets_format_and_level(string format, string level, LogFormat expectedFormat, LogLevel expectedLevel)
    {
        var log = Parse($"log: {{format: {format}, level: {level}}}").Log;
        Assert.Equal(expectedFormat, log.Format);
        Assert.Equal(expectedLevel, log.Level);
    }

    [Theory]
    [InlineData("log: {format: xml}", "log.format: unknown format 'xml' (expected text or json)")]
    [InlineData("log: {level: verbose}", "log.level: unknown level 'verbose' (expected debug, info, warn, error)")]
    [InlineData("log: {colour: red}", "log.colour: unknown field")]
    public void A_bad_log_section_names_the_field(string yaml, string expected) =>
        Assert.StartsWith(expected, Error(yaml), StringComparison.Ordinal);

    [Fact]
    public void An_OTLP_endpoint_is_an_http_base_address()
    {
        Assert.Equal(new Uri("http://collector:4318/"), Parse("telemetry: {otlp_endpoint: 'http://collector:4318'}").Telemetry.OtlpEndpoint);
        Assert.Equal(new Uri("https://otel.example.com/"), Parse("telemetry: {otlp_endpoint: 'https://otel.example.com'}").Telemetry.OtlpEndpoint);
    }

    [Fact]
    public void The_HTTP_request_metrics_of_ASP_NET_Core_and_the_HTTP_client_are_off_unless_asked_for()
    {
        Assert.False(Parse("").Telemetry.HttpMetrics);
        Assert.False(Parse("telemetry: {trace_sample_ratio: 1}").Telemetry.HttpMetrics);
        Assert.True(Parse("telemetry: {http_metrics: true}").Telemetry.HttpMetrics);
        Assert.True(Parse("telemetry: {http_metrics: true, otlp_endpoint: 'http://collector:4318'}").Telemetry.HttpMetrics);
        Assert.StartsWith("telemetry.http_metrics: ", Error("telemetry: {http_metrics: sometimes}"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_trace_sample_ratio_is_a_share_from_0_to_1_defaulting_to_one_in_ten()
    {
        Assert.Equal(0.1, Parse("").Telemetry.TraceSampleRatio);
        Assert.Equal(1.0, Parse("telemetry: {trace_sample_ratio: 1}").Telemetry.TraceSampleRatio);
        Assert.Equal(0.0, Parse("telemetry: {trace_sample_ratio: 0}").Telemetry.TraceSampleRatio);
        Assert.Equal(0.25, Parse("telemetry: {trace_sample_ratio: 0.25}").Telemetry.TraceSampleRatio);
        foreach (var bad in new[] { "1.5", "-0.1", "ten", "NaN" })
        {
            Assert.StartsWith("telemetry.trace_sample_ratio: ", Error($"telemetry: {{trace_sample_ratio: '{bad}'}}"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("grpc://collector:4317")]
    [InlineData("http://collector:4318/v1/traces")]
    [InlineData("http://user:secret@collector:4318")]
    [InlineData("http://collector:4318/?token=x")]
    public void An_OTLP_endpoint_that_is_not_a_base_address_is_refused(string endpoint)
    {
        var error = Error($"telemetry: {{otlp_endpoint: '{endpoint}'}}");
        Assert.StartsWith("telemetry.otlp_endpoint: ", error, StringComparison.Ordinal);
        Assert.Contains("not an OTLP/HTTP base address", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal); // the value may hold credentials: never echoed
    }
}
