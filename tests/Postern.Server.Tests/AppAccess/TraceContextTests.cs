using System.Net;
using System.Text.RegularExpressions;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// W3C trace context to the apps: a client's <c>traceparent</c> arrives with the same trace id and a new parent span id;
/// a request without one (or with one that does not parse) arrives with a fresh, valid one. Both with spans recorded
/// (<c>telemetry.otlp_endpoint</c> set) and without.
/// </summary>
public sealed partial class TraceContextTests
{
    private const string Password = "correct horse battery staple";
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    public static TheoryData<bool> SpansRecorded => new() { false, true };

    [Theory]
    [MemberData(nameof(SpansRecorded))]
    public async Task A_client_trace_arrives_with_the_same_trace_id_and_a_new_parent_span_id(bool spans)
    {
        await using var env = await StartAsync(spans);
        using var request = new HttpRequestMessage(HttpMethod.Get, env.Browser.AppUrl("traced.localhost", "/continued"));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=abc");
        using var response = await env.Browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (traceId, parent, flags) = Parse(env.Upstream.Requests.Last(r => r.PathAndQuery == "/continued").Headers["traceparent"]);
        Assert.Equal(ClientTraceId, traceId);
        Assert.NotEqual(ClientSpanId, parent);
        Assert.Equal("01", flags);
        Assert.Equal("vendor=abc", env.Upstream.Requests.Last(r => r.PathAndQuery == "/continued").Headers["tracestate"]);
    }

    [Theory]
    [MemberData(nameof(SpansRecorded))]
    public async Task A_request_without_a_trace_arrives_with_a_fresh_valid_one(bool spans)
    {
        await using var env = await StartAsync(spans);
        using (await env.Browser.GetAsync(env.Browser.AppUrl("traced.localhost", "/fresh-1")))
        using (await env.Browser.GetAsync(env.Browser.AppUrl("traced.localhost", "/fresh-2")))
        {
        }

        var first = Parse(env.Upstream.Requests.Last(r => r.PathAndQuery == "/fresh-1").Headers["traceparent"]);
        var second = Parse(env.Upstream.Requests.Last(r => r.PathAndQuery == "/fresh-2").Headers["traceparent"]);
        Assert.NotEqual(first.TraceId, second.TraceId);
        Assert.NotEqual(new string('0', 32), first.TraceId);
        Assert.NotEqual(new string('0', 16), first.Parent);
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id: invalid
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id: invalid
    [InlineData("not a trace context")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")] // upper case: invalid in version 00
    public async Task A_trace_context_that_does_not_parse_is_replaced_and_its_state_dropped(string traceparent)
    {
        await using var env = await StartAsync(spans: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, env.Browser.AppUrl("traced.localhost", "/replaced"));
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=abc");
        using var response = await env.Browser.SendAsync(request);

        var received = env.Upstream.Requests.Last(r => r.PathAndQuery == "/replaced").Headers;
        var (traceId, _, _) = Parse(received["traceparent"]);
        Assert.NotEqual(traceparent, received["traceparent"]);
        Assert.NotEqual("00000000000000000000000000000000", traceId);
        Assert.False(received.ContainsKey("tracestate"));
    }

    private static (string TraceId, string Parent, string Flags) Parse(string traceparent)
    {
        var match = TraceParent().Match(traceparent);
        Assert.True(match.Success, $"'{traceparent}' is not a version-00 traceparent");
        return (match.Groups["trace"].Value, match.Groups["parent"].Value, match.Groups["flags"].Value);
    }

    private static async Task<Traced> StartAsync(bool spans)
    {
        var dir = new TempDir();
        var upstream = await Upstream.StartAsync();
        // An OTLP endpoint where nothing listens: spans are recorded (and their export fails quietly).
        var server = await TestPostern.StartAsync(dir.Path, $"""
            {(spans ? $"telemetry: {{otlp_endpoint: 'http://127.0.0.1:{FreePort.Next()}'}}" : "")}
            apps:
              - name: traced
                uri: {upstream.Address}
                public_addr: traced.localhost
            """);
        await new AdminApi(server).AddUserAsync("tia", Password, ["access"]);
        var browser = new Browser(server);

        // The test's own client would otherwise add its traceparent beside the one the test sets, whenever spans are
        // recorded in this process (a client outside Postern's process has no such listener).
        browser.Handler.ActivityHeadersPropagator = null;
        using (var login = await browser.LoginAsync("tia", Password))
        {
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        }

        using (var opened = await browser.GetAsync(browser.AppUrl("traced.localhost", "/open")))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        return new Traced(dir, upstream, server, browser);
    }

    [GeneratedRegex("^00-(?<trace>[0-9a-f]{32})-(?<parent>[0-9a-f]{16})-(?<flags>[0-9a-f]{2})$")]
    private static partial Regex TraceParent();

    private sealed record Traced(TempDir Dir, Upstream Upstream, TestPostern Server, Browser Browser) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Browser.Dispose();
            await Server.DisposeAsync();
            await Upstream.DisposeAsync();
            Dir.Dispose();
        }
    }
}
