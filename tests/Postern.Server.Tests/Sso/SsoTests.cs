using System.Net;
using System.Text.Json;
using Postern.Server.Tests.AppAccess;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// Sign-in through a real OpenID Provider (<c>oidc-provider</c>), end to end: users made and refreshed from its
/// claims, roles from <c>claims_to_roles</c>, the claims in the app assertion and header templates, sign-out.
/// </summary>
public sealed partial class SsoTests(SsoFixture fixture) : IClassFixture<SsoFixture>
{
    private TestPostern Server => fixture.Server;

    [Fact]
    public async Task A_scripted_client_signs_in_through_the_provider_and_ends_at_the_app_with_the_providers_claims()
    {
        using var client = new SsoClient(Server);

        var end = await client.OpenAppAsync("whoami.localhost", "op", "alice");

        using (end.Response)
        {
            Assert.Equal(HttpStatusCode.OK, end.Response!.StatusCode);
            Assert.Equal("upstream saw /", end.Body);
            Assert.Equal("whoami.localhost", end.Url.Host);
        }

        var seen = fixture.Upstream.Last;
        var claims = AppAccessTests.Claims(seen);
        Assert.Equal("alice@example.com", claims.GetProperty("sub").GetString());
        Assert.Equal(["dev-apps", "prod-apps", "own-apps"], Strings(claims.GetProperty("roles")));
        var traits = claims.GetProperty("traits");
        Assert.Equal(["devs", "admins", "team-web"], Strings(traits.GetProperty("groups")));
        Assert.Equal(["alice@example.com"], Strings(traits.GetProperty("email")));
        Assert.Equal(["Alice"], Strings(traits.GetProperty("name")));
        Assert.False(traits.TryGetProperty("nonce", out _));
        Assert.Equal("alice@example.com", seen.Header("X-Email"));
        Assert.Equal(["devs", "admins", "team-web"], seen.Header("X-Groups")!.Split(',', StringSplitOptions.TrimEntries));
        Assert.Null(seen.Header("X-Internal-Groups"));

        var logins = await fixture.Admin.AuditAsync("user.login");
        Assert.Contains(logins, e => e.GetProperty("method").GetString() == "oidc" && e.GetProperty("success").GetBoolean()
            && e.GetProperty("user").GetString() == "alice@example.com" && e.GetProperty("connector").GetString() == "op");
    }

    [Fact]
    public async Task Headless_Chromium_signs_in_through_the_provider_and_the_app_receives_its_groups_email_and_mapped_roles()
    {
        var request = JsonSerializer.Serialize(new { loginUrl = Server.BaseUrl + "/web/login", connector = "op", login = "dora", app = "whoami" });

        var (exit, answer) = await NodeScript.RunAsync("sso-browser-login.mjs", null, request);

        Assert.True(exit == 0, answer.ToString());
        Assert.StartsWith("https://whoami.localhost:", answer.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("upstream saw /", answer.GetProperty("text").GetString());
        var claims = AppAccessTests.Claims(fixture.Upstream.Last);
        Assert.Equal("dora@example.com", claims.GetProperty("username").GetString());
        Assert.Equal(["devs", "admins"], Strings(claims.GetProperty("traits").GetProperty("groups")));
        Assert.Equal(["dora@example.com"], Strings(claims.GetProperty("traits").GetProperty("email")));
        Assert.Equal(["dev-apps", "prod-apps"], Strings(claims.GetProperty("roles")));
    }

    [Fact]
    public async Task External_traits_drive_role_templates_so_an_app_labelled_for_alice_opens_for_alice_and_not_for_bob_with_the_same_role()
    {
        using var alice = new SsoClient(Server);
        using var bob = new SsoClient(Server);
        await alice.OpenAppAsync("whoami.localhost", "op", "alice");
        await bob.OpenAppAsync("whoami.localhost", "op", "bob");

        var aliceOwn = await alice.GoAsync(alice.Browser.AppUrl("own.localhost"), "alice");
        var bobOwn = await bob.GoAsync(bob.Browser.AppUrl("own.localhost"), "bob");

        Assert.Equal("upstream saw /", aliceOwn.Body);
        Assert.Equal(HttpStatusCode.Forbidden, bobOwn.Response!.StatusCode);
    }

    [Fact]
    public async Task A_user_whose_claims_map_to_no_role_is_refused_with_a_message_that_says_so_and_an_audit_event()
    {
        using var client = new SsoClient(Server);

        var end = await client.OpenAppAsync("whoami.localhost", "op", "nora");

        Assert.Equal(HttpStatusCode.Forbidden, end.Response!.StatusCode);
        Assert.Contains("map to no Postern role", end.Body, StringComparison.Ordinal);
        Assert.False(client.HasWebSession);
        var users = await fixture.Admin.SendAsync(HttpMethod.Get, "users");
        Assert.DoesNotContain("nora@example.com", await users.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await fixture.Admin.AuditAsync("user.login"), e => e.GetProperty("method").GetString() == "oidc"
            && !e.GetProperty("success").GetBoolean() && e.GetProperty("code").GetString() == "no_role" && e.GetProperty("user").GetString() == "nora@example.com");
    }

    [Fact]
    public async Task A_user_taken_out_of_a_group_at_the_provider_loses_the_matching_role_at_the_next_sign_in()
    {
        using (var first = new SsoClient(Server))
        {
            var opened = await first.OpenAppAsync("prod.localhost", "op", "carl");
            Assert.Equal("upstream saw /", opened.Body);
            Assert.Equal(["dev-apps", "prod-apps"], Strings(AppAccessTests.Claims(fixture.Upstream.Last).GetProperty("roles")));
        }

        fixture.SetAccount("carl", new { email = "carl@example.com", email_verified = true, groups = new[] { "devs" } });
        using var second = new SsoClient(Server);
        var dev = await second.OpenAppAsync("whoami.localhost", "op", "carl");

        Assert.Equal("upstream saw /", dev.Body);
        var claims = AppAccessTests.Claims(fixture.Upstream.Last);
        Assert.Equal(["dev-apps"], Strings(claims.GetProperty("roles")));
        Assert.Equal(["devs"], Strings(claims.GetProperty("traits").GetProperty("groups")));
        var prod = await second.GoAsync(second.Browser.AppUrl("prod.localhost"), "carl");
        Assert.Equal(HttpStatusCode.Forbidden, prod.Response!.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_web_session_and_every_app_session_of_it()
    {
        using var client = new SsoClient(Server);
        var opened = await client.OpenAppAsync("whoami.localhost", "op", "erin");
        Assert.Equal("upstream saw /", opened.Body);
        var appUrl = client.Browser.AppUrl("whoami.localhost", "/after");
        var appCookie = client.Browser.Cookie(appUrl, "__Host-postern_app");
        Assert.NotNull(appCookie);

        using var logout = await client.Browser.Http.PostAsync(client.Browser.WebAddress + "/v1/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Get, appUrl);
        stale.Headers.Add("Cookie", "__Host-postern_app=" + appCookie);
        using var fresh = new Browser(Server, followRedirects: false);
        using var refused = await fresh.SendAsync(stale);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("not valid", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var launcher = await client.Browser.GetAsync(client.Browser.WebAddress + "/web/");
        Assert.Equal(HttpStatusCode.Redirect, launcher.StatusCode);
        Assert.StartsWith("/web/login", launcher.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_shows_a_button_per_connector_next_to_the_local_sign_in()
    {
        using var browser = new Browser(Server);

        var page = await browser.Http.GetStringAsync(browser.WebAddress + "/web/login");

        Assert.Contains("name=\"password\"", page, StringComparison.Ordinal);
        Assert.Contains("data-connector=\"op\"", page, StringComparison.Ordinal);
        Assert.Contains("Sign in with Test Provider", page, StringComparison.Ordinal);
        Assert.Contains("data-connector=\"gone\"", page, StringComparison.Ordinal);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
