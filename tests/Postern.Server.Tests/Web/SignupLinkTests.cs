using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.Web;

/// <summary>A sign-up link is bound to the user it was made for and dies with it: removing the user, or removing and adding them again, leaves it dead.</summary>
public sealed partial class SignupLinkTests : RunningServerTests
{
    private const string Password = "a long enough password";

    private AdminApi Admin => new(Server);

    [Fact]
    public async Task A_Signup_link_for_a_user_who_was_removed_is_not_valid()
    {
        var link = await AddAsync("rita");
        await RemoveAsync("rita");

        using var browser = new Browser(Server, followRedirects: false);
        using var page = await browser.GetAsync(browser.WebAddress + link.PathAndQuery);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Empty(await Server.Host.Store.RangeAsync("/sessions/signup/", CancellationToken.None));
    }

    [Fact]
    public async Task A_Signup_link_for_a_user_who_was_removed_and_added_again_does_not_set_the_new_users_password()
    {
        var old = await AddAsync("sam");
        using var browser = new Browser(Server, followRedirects: false);
        var form = await browser.Http.GetStringAsync(browser.WebAddress + old.PathAndQuery);
        await RemoveAsync("sam");
        var fresh = await AddAsync("sam");

        using var shown = await browser.GetAsync(browser.WebAddress + old.PathAndQuery);
        using var posted = await browser.Http.PostAsync(browser.WebAddress + "/web/signup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = CsrfField().Match(form).Groups[1].Value,
            ["token"] = Token(old),
            ["password"] = Password,
            ["confirm"] = Password,
        }));

        Assert.Equal(HttpStatusCode.NotFound, shown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        using (var login = await browser.LoginAsync("sam", Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        }

        using var current = await browser.GetAsync(browser.WebAddress + fresh.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    private async Task<Uri> AddAsync(string name)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "users", JsonContent.Create(new { name, roles = new[] { "access" } }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return new Uri(JsonDocument.Parse(body).RootElement.GetProperty("signup_url").GetString()!);
    }

    private async Task RemoveAsync(string name)
    {
        using var response = await Admin.SendAsync(HttpMethod.Delete, "users/" + name);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Token(Uri link) => link.Query.Split("token=")[1];

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
