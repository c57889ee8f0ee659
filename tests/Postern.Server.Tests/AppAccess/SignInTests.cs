using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary><c>POST /v1/login</c>, the lockout, and the redirect path of an app sign-in.</summary>
public sealed class SignInTests(AppAccessFixture fixture) : IClassFixture<AppAccessFixture>
{
    [Fact]
    public async Task Unknown_user_and_wrong_password_get_the_same_answer_and_are_audited_with_the_real_reason()
    {
        using var browser = new Browser(fixture.Server);

        using var unknown = await browser.LoginAsync("nobody", "whatever password");
        using var wrong = await browser.LoginAsync("alice", "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await wrong.Content.ReadAsStringAsync());
        var events = await fixture.Admin.AuditAsync("user.login");
        Assert.Contains(events, e => e.GetProperty("user").GetString() == "nobody" && !e.GetProperty("success").GetBoolean() && e.GetProperty("reason").GetString() == "unknown user");
        Assert.Contains(events, e => e.GetProperty("user").GetString() == "alice" && !e.GetProperty("success").GetBoolean() && e.GetProperty("reason").GetString() == "wrong password");
    }

    [Fact]
    public async Task A_successful_sign_in_sets_an_HttpOnly_Secure_SameSite_session_cookie_and_is_audited()
    {
        using var browser = new Browser(fixture.Server);

        using var response = await browser.LoginAsync("alice", AppAccessFixture.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-postern_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(await fixture.Admin.AuditAsync("user.login"), e => e.GetProperty("user").GetString() == "alice" && e.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Repeated_failures_from_one_address_lock_the_name_out_for_that_address_even_with_the_right_password_afterwards()
    {
        await fixture.Admin.AddUserAsync("frank", AppAccessFixture.Password, ["access"]);
        using var browser = new Browser(fixture.Server);
        for (var i = 0; i < 5; i++)
        {
            using var failed = await browser.LoginAsync("frank", "wrong password " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var locked = await browser.LoginAsync("frank", AppAccessFixture.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal("locked_out", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    public async Task A_sign_in_that_a_browser_marks_as_coming_from_another_site_is_refused(string header, string value)
    {
        using var browser = new Browser(fixture.Server);
        using var request = new HttpRequestMessage(HttpMethod.Post, browser.WebAddress + "/v1/login") { Content = JsonContent.Create(new { username = "alice", password = AppAccessFixture.Password }) };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(browser.Cookie(browser.WebAddress, "__Host-postern_session"));
    }

    [Fact]
    public async Task A_sign_in_that_is_not_JSON_is_refused()
    {
        using var browser = new Browser(fixture.Server);

        using var form = await browser.Http.PostAsync(browser.WebAddress + "/v1/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = AppAccessFixture.Password }));
        using var malformed = await browser.Http.PostAsync(browser.WebAddress + "/v1/login", new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("malformed_request", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Opening_an_app_without_a_session_goes_through_sign_in_and_back_to_the_page_first_asked_for()
    {
        using var browser = new Browser(fixture.Server, followRedirects: false);
        var hops = new List<string>();
        var url = browser.AppUrl("whoami.localhost", "/deep/page?q=1");

        using (var first = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            url = first.Headers.Location!.ToString();
            Assert.StartsWith(browser.WebAddress + "/web/launch/whoami?", url, StringComparison.Ordinal);
        }

        using (var toLogin = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
            Assert.StartsWith("/web/login?redirect=", toLogin.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using (var login = await browser.LoginAsync("alice", AppAccessFixture.Password))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using (var launch = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, launch.StatusCode);
            url = launch.Headers.Location!.ToString();
            Assert.StartsWith(browser.AppUrl("whoami.localhost", "/x-postern-auth?code="), url, StringComparison.Ordinal);
        }

        using (var callback = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
            Assert.Equal("/deep/page?q=1", callback.Headers.Location!.ToString());
        }

        using (var replay = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        }

        using var page = await browser.GetAsync(browser.AppUrl("whoami.localhost", "/deep/page?q=1"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(await fixture.Admin.AuditAsync("app.session.start"), e => e.GetProperty("user").GetString() == "alice" && e.GetProperty("app").GetString() == "whoami");
    }

    [Fact]
    public async Task A_launch_code_opened_in_another_browser_is_refused()
    {
        using var victim = new Browser(fixture.Server, followRedirects: false);
        using var attacker = await fixture.SignedInAsync("bob");
        using var noFollow = new Browser(fixture.Server, followRedirects: false);
        foreach (Cookie cookie in attacker.Cookies.GetAllCookies())
        {
            noFollow.Cookies.Add(cookie);
        }

        using var start = await noFollow.GetAsync(noFollow.AppUrl("whoami.localhost"));
        using var launch = await noFollow.GetAsync(start.Headers.Location!.ToString());
        var callback = launch.Headers.Location!.ToString();

        using var planted = await victim.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, planted.StatusCode);
        Assert.Null(victim.Cookie(victim.AppUrl("whoami.localhost"), "__Host-postern_app"));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task No_redirect_leaves_for_a_host_that_is_not_Posterns_or_an_apps(string target)
    {
        using var browser = new Browser(fixture.Server, followRedirects: false);
        using var login = await browser.LoginAsync("alice", AppAccessFixture.Password);

        using var page = await browser.GetAsync(browser.WebAddress + "/web/login?redirect=" + Uri.EscapeDataString(target));
        using var launch = await browser.GetAsync(browser.WebAddress + "/web/launch/whoami?state=abc&path=" + Uri.EscapeDataString(target));

        Assert.Equal("/web/", page.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, launch.StatusCode);
    }
}
