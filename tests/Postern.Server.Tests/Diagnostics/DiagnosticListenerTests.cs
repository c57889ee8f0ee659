using System.Net;
using Postern.Testing;

namespace Postern.Server.Tests.Diagnostics;

/// <summary>
/// <c>diag_addr</c>: <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> on their own port, and nothing else there; the
/// public port never serves the metrics.
/// </summary>
public sealed class DiagnosticListenerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _plain = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Upstream _upstream = null!;
    private TestPostern _server = null!;

    private Uri Diag => _server.Host.DiagAddress!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _server = await TestPostern.StartAsync(_dir.Path, $"""
            diag_addr: 127.0.0.1:0
            apps:
              - name: inner
                uri: {_upstream.Address}
                public_addr: inner.localhost
            """);
    }

    public async Task DisposeAsync()
    {
        _plain.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_diagnostic_listener_serves_metrics_in_Prometheus_text_and_health()
    {
        Assert.Equal(IPAddress.Loopback.ToString(), Diag.Host);
        Assert.NotEqual(_server.Host.BoundAddress.Port, Diag.Port);

        using var metrics = await _plain.GetAsync(new Uri(Diag, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ", text, StringComparison.Ordinal);
        Assert.Contains("postern_sessions_active", text, StringComparison.Ordinal);

        using var healthz = await _plain.GetAsync(new Uri(Diag, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        using var readyz = await _plain.GetAsync(new Uri(Diag, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Contains("\"ready\"", await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_public_port_for_any_host()
    {
        foreach (var host in new[] { "127.0.0.1", "localhost", "postern.example.com" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _server.BaseUrl + "/metrics");
            request.Headers.Host = $"{host}:{_server.Host.BoundAddress.Port}";
            using var response = await _server.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("# TYPE", body, StringComparison.Ordinal);
            Assert.DoesNotContain("postern_", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/web/login")]
    [InlineData("/.well-known/jwks.json")]
    [InlineData("/v1/admin/users")]
    [InlineData("/metrics/../web/login")]
    public async Task The_diagnostic_listener_serves_nothing_else(string path)
    {
        using var response = await _plain.GetAsync(new Uri(Diag, path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_request_on_the_diagnostic_listener_naming_an_app_is_not_proxied()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Diag, "/anything"));
        request.Headers.Host = "inner.localhost";
        using var response = await _plain.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_upstream.Requests);
        Assert.Null(response.Headers.Location);
    }
}
