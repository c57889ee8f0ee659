using System.Net;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary><c>postern start --demo</c>: the demo app behind the proxy and the admin with a one-time password, in a browser and over HTTP.</summary>
public sealed class DemoTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;

    public async Task InitializeAsync() => _server = await TestPostern.StartAsync(_dir.Path, demo: true);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_admin_signs_in_with_the_printed_password_and_the_demo_app_shows_the_verified_identity()
    {
        var demo = _server.Host.Demo!;
        using var browser = new Browser(_server);
        using var login = await browser.LoginAsync(DemoSetup.AdminUser, demo.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var page = await browser.GetAsync(demo.AppPublicUrl);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"username\">admin</span>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"verdict\">verified", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_headless_Chromium_signs_in_on_the_login_page_clicks_the_demo_app_and_sees_the_users_name()
    {
        var demo = _server.Host.Demo!;
        var request = System.Text.Json.JsonSerializer.Serialize(new
        {
            loginUrl = _server.BaseUrl + "/web/login",
            username = DemoSetup.AdminUser,
            password = demo.AdminPassword,
            app = "demo",
            expectText = DemoSetup.AdminUser,
        });

        var (exit, answer) = await NodeScript.RunAsync("browser-login.mjs", null, request);

        Assert.True(exit == 0, answer.ToString());
        Assert.Equal("admin", answer.GetProperty("username").GetString());
        Assert.StartsWith("https://demo.localhost:", answer.GetProperty("url").GetString(), StringComparison.Ordinal);
    }
}
