using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Server.Tests.SignIn;

/// <summary>
/// Behind a load balancer named in <c>trusted_proxies</c>, sign-in keeps its per-address lockout and its audit
/// records for the client the balancer names, not for the balancer; without <c>trusted_proxies</c> a client's
/// <c>X-Forwarded-For</c> moves nothing.
/// </summary>
public sealed class TrustedProxySignInTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Behind_a_trusted_proxy_a_client_locked_out_does_not_lock_out_another_and_the_audit_names_each()
    {
        using var dir = new TempDir();
        await using var server = await TestPostern.StartAsync(dir.Path, "trusted_proxies: [127.0.0.1/32]\n");
        var admin = new AdminApi(server);
        await admin.AddUserAsync("frank", Password, ["access"]);
        using var browser = new Browser(server);

        for (var i = 0; i < 5; i++)
        {
            using var failed = await LoginAsync(browser, "wrong password " + i, "203.0.113.9");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var locked = await LoginAsync(browser, Password, "203.0.113.9"))
        {
            Assert.Equal("locked_out", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }

        using (var elsewhere = await LoginAsync(browser, Password, "198.51.100.4"))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        var addresses = (await admin.AuditAsync("user.login")).Select(e => e.GetProperty("remote_addr").GetString()).ToList();
        Assert.Equal(6, addresses.Count(a => a == "203.0.113.9"));
        Assert.Equal(1, addresses.Count(a => a == "198.51.100.4"));
        Assert.DoesNotContain("127.0.0.1", addresses);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_clients_X_Forwarded_For_moves_nothing()
    {
        using var dir = new TempDir();
        await using var server = await TestPostern.StartAsync(dir.Path);
        var admin = new AdminApi(server);
        await admin.AddUserAsync("frank", Password, ["access"]);
        using var browser = new Browser(server);

        for (var i = 0; i < 5; i++)
        {
            using var failed = await LoginAsync(browser, "wrong password " + i, "203.0.113." + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var locked = await LoginAsync(browser, Password, "198.51.100.4"))
        {
            Assert.Equal("locked_out", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }

        Assert.All(await admin.AuditAsync("user.login"), e => Assert.Equal("127.0.0.1", e.GetProperty("remote_addr").GetString()));
    }

    private static Task<HttpResponseMessage> LoginAsync(Browser browser, string password, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, browser.WebAddress + "/v1/login")
        {
            Content = JsonContent.Create(new { username = "frank", password }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return browser.SendAsync(request);
    }
}
