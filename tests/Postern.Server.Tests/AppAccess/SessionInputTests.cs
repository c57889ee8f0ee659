using System.Net;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>Bad input on the app door: each gets a clear 4xx and nothing is proxied.</summary>
public sealed class SessionInputTests(AppAccessFixture fixture) : IClassFixture<AppAccessFixture>
{
    [Theory]
    [InlineData("not a token")]
    [InlineData("%%%%")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_or_forged_app_session_cookie_gets_401_and_is_not_proxied(string value)
    {
        using var browser = new Browser(fixture.Server, followRedirects: false);
        var before = fixture.Upstream.Requests.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost"));
        request.Headers.TryAddWithoutValidation("Cookie", "__Host-postern_app=" + value);

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid or has expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Upstream.Requests.Count);
    }

    [Fact]
    public async Task An_expired_app_session_gets_401_and_is_not_proxied()
    {
        using var browser = await fixture.SignedInAsync("alice");
        using var open = await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        var token = browser.Cookie(browser.AppUrl("whoami.localhost"), "__Host-postern_app")!;
        var before = fixture.Upstream.Requests.Count;

        fixture.Time.Advance(TimeSpan.FromHours(13));
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost"));
        request.Headers.TryAddWithoutValidation("Cookie", "__Host-postern_app=" + token);
        using var plain = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, ConnectCallback = browser.Handler.ConnectCallback, SslOptions = browser.Handler.SslOptions });
        using var response = await plain.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, fixture.Upstream.Requests.Count);
    }

    [Fact]
    public async Task An_oversized_header_gets_431_and_is_not_proxied()
    {
        using var browser = await fixture.SignedInAsync("alice");
        await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        var before = fixture.Upstream.Requests.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost"));
        request.Headers.TryAddWithoutValidation("X-Big", new string('a', 64 * 1024));

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(before, fixture.Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_request_that_is_not_a_GET_without_a_session_gets_401_rather_than_a_redirect()
    {
        using var browser = new Browser(fixture.Server, followRedirects: false);
        var before = fixture.Upstream.Requests.Count;

        using var response = await browser.Http.PostAsync(browser.AppUrl("whoami.localhost", "/api"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, fixture.Upstream.Requests.Count);
    }
}
