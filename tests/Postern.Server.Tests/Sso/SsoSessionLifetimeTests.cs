using System.Net;
using Microsoft.Extensions.Time.Testing;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// A web session made by an SSO sign-in, and the app sessions opened from it, end at <c>app_access.session_ttl</c>; the
/// code of a sign-in for <c>postern login --sso</c> lives a minute.
/// </summary>
public sealed class SsoSessionLifetimeTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private Upstream _upstream = null!;
    private TestPostern _server = null!;
    private NodeService _provider = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _server = await TestPostern.StartAsync(_dir.Path, $$"""
            app_access: {session_ttl: 1h}
            apps:
              - name: whoami
                uri: {{_upstream.Address}}
                public_addr: whoami.localhost
                labels: {env: dev}
            """, environment: name => name == SsoFixture.SecretVariable ? SsoFixture.ClientSecret : null, time: _time);
        _provider = await NodeService.StartAsync("fake-oidc-provider.mjs", new { });
        var admin = new AdminApi(_server);
        await admin.CreateAsync("""
            kind: role
            version: v1
            metadata: {name: dev-apps}
            spec: {allow: {app_labels: {env: [dev]}}}
            """);
        await admin.CreateAsync(SsoFixture.Connector("idp", _provider.Issuer));
    }

    [Fact]
    public async Task The_web_session_and_its_app_sessions_end_at_the_configured_maximum()
    {
        using var client = new SsoClient(_server);
        var launcher = await client.GoAsync(client.Browser.WebAddress + "/v1/sso/oidc/idp/login?redirect=%2Fweb%2F", "mallory");
        Assert.Equal(HttpStatusCode.OK, launcher.Response!.StatusCode);
        Assert.Contains("mallory@example.com", launcher.Body, StringComparison.Ordinal);
        var app = await client.GoAsync(client.Browser.AppUrl("whoami.localhost"), "mallory");
        Assert.Equal("upstream saw /", app.Body);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.Browser.GetAsync(client.Browser.WebAddress + "/web/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Browser.GetAsync(client.Browser.AppUrl("whoami.localhost"))).StatusCode);

        _time.Advance(TimeSpan.FromMinutes(2));
        using var expired = await client.Browser.GetAsync(client.Browser.WebAddress + "/web/");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/web/login", expired.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var appExpired = await client.Browser.GetAsync(client.Browser.AppUrl("whoami.localhost"));
        Assert.Equal(HttpStatusCode.Unauthorized, appExpired.StatusCode);
    }

    [Fact]
    public async Task The_code_of_a_command_line_sign_in_redeems_within_a_minute_and_not_after()
    {
        using var client = new SsoClient(_server);
        var prompt = await CommandLineSignIn.RunAsync(client, "idp", "mallory");
        var late = await CommandLineSignIn.RunAsync(client, "idp", "mallory");

        _time.Advance(TimeSpan.FromSeconds(59));
        using var inTime = await CommandLineSignIn.ExchangeAsync(client, prompt.Code, prompt.Verifier);
        Assert.True(inTime.StatusCode == HttpStatusCode.OK, await inTime.Content.ReadAsStringAsync());
        _time.Advance(TimeSpan.FromSeconds(2));
        using var expired = await CommandLineSignIn.ExchangeAsync(client, late.Code, late.Verifier);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("unknown, was used already, or expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }
}
