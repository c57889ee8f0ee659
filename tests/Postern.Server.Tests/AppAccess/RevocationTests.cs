using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// Ending an app session ends what it has open through the proxy: a WebSocket tunnel or a long response is cut
/// within two seconds of a sign-out, a lock, the user's removal or a role change that denies the app.
/// </summary>
public sealed class RevocationTests(AppAccessFixture fixture) : IClassFixture<AppAccessFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    private Upstream Upstream => fixture.Upstream;

    [Theory]
    [InlineData("logout")]
    [InlineData("lock")]
    [InlineData("rm")]
    [InlineData("role")]
    public async Task An_open_WebSocket_is_closed_within_two_seconds_when_its_session_ends(string how)
    {
        var name = "ws-" + how;
        using var browser = await SignedInWithAppAsync(name);
        using var socket = await EchoSocket.OpenAsync(browser, "prod.localhost");
        var closed = EchoSocket.NextAsync(socket);

        await EndAsync(how, name, browser);
        var ended = DateTime.UtcNow;

        var outcome = await closed.WaitAsync(Limit + TimeSpan.FromSeconds(8));
        Assert.True(outcome.At - ended < Limit, $"the WebSocket stayed open {(outcome.At - ended).TotalMilliseconds:F0} ms after the session ended ({how})");
        Assert.Null(outcome.Message);
        await AssertUpstreamSideEndsAsync();
    }

    [Theory]
    [InlineData("logout")]
    [InlineData("lock")]
    public async Task A_long_response_is_cut_within_two_seconds_when_its_session_ends(string how)
    {
        var name = "stream-" + how;
        using var browser = await SignedInWithAppAsync(name);
        using var response = await browser.Http.GetAsync(browser.AppUrl("prod.localhost", "/stream"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        var rest = ReadRestAsync(reader);

        await EndAsync(how, name, browser);
        var ended = DateTime.UtcNow;

        var outcome = await rest.WaitAsync(Limit + TimeSpan.FromSeconds(8));
        Assert.True(outcome.At - ended < Limit, $"the response stayed open {(outcome.At - ended).TotalMilliseconds:F0} ms after the session ended ({how})");
        Assert.Null(outcome.Message);
    }

    [Fact]
    public async Task A_socket_that_is_not_revoked_stays_open()
    {
        using var browser = await SignedInWithAppAsync("ws-kept");
        using var socket = await EchoSocket.OpenAsync(browser, "prod.localhost");
        await fixture.Admin.AddUserAsync("ws-other", AppAccessFixture.Password, ["access"]);
        using var lockOther = await fixture.Admin.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "user/ws-other" }));
        Assert.True(lockOther.IsSuccessStatusCode);
        await fixture.Admin.UpdateUserAsync("ws-kept", traits: new() { ["team"] = ["web"] });

        await Task.Delay(Limit);
        await socket.SendAsync("still"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var outcome = await EchoSocket.NextAsync(socket).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("still", outcome.Message);
    }

    [Fact]
    public async Task A_launch_completed_after_its_web_session_ended_opens_nothing()
    {
        await fixture.Admin.AddUserAsync("late-launch", AppAccessFixture.Password, ["access"]);
        using var browser = new Browser(fixture.Server, followRedirects: false);
        using (var login = await browser.LoginAsync("late-launch", AppAccessFixture.Password))
        {
            Assert.True(login.IsSuccessStatusCode);
        }

        using var start = await browser.GetAsync(browser.AppUrl("prod.localhost", "/after"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var launch = await browser.GetAsync(start.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, launch.StatusCode);
        var callback = launch.Headers.Location!.ToString();
        Assert.Contains("/x-postern-auth?code=", callback, StringComparison.Ordinal);

        using (var logout = await browser.Http.PostAsync(browser.WebAddress + "/v1/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var before = Upstream.Requests.Count;
        using var completed = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.Unauthorized, completed.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetCookies(new Uri(browser.AppUrl("prod.localhost"))), c => c.Name.EndsWith("postern_app", StringComparison.Ordinal));
        using var after = await browser.GetAsync(browser.AppUrl("prod.localhost", "/after"));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal(before, Upstream.Requests.Count);
    }

    /// <summary>A new user with the <c>access</c> role, signed in, with an app session for <c>prod</c> (env: prod).</summary>
    private async Task<Browser> SignedInWithAppAsync(string name)
    {
        await fixture.Admin.AddUserAsync(name, AppAccessFixture.Password, ["access"]);
        var browser = await fixture.SignedInAsync(name);
        using var open = await browser.GetAsync(browser.AppUrl("prod.localhost"));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        return browser;
    }

    /// <summary>Ends the session the way <paramref name="how"/> says, as an admin or the user would.</summary>
    private async Task EndAsync(string how, string name, Browser browser)
    {
        using var result = how switch
        {
            "logout" => await browser.Http.PostAsync(browser.WebAddress + "/v1/logout", null),
            "lock" => await fixture.Admin.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "user/" + name })),
            "rm" => await fixture.Admin.SendAsync(HttpMethod.Delete, "users/" + name),
            "role" => await fixture.Admin.SendAsync(HttpMethod.Put, "users/" + name, JsonContent.Create(new { roles = new[] { "dev-only" } })),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };
        Assert.True(result.IsSuccessStatusCode, await result.Content.ReadAsStringAsync());
    }

    /// <summary>The rest of the response, or <c>null</c> when it was cut; and when that happened.</summary>
    private static async Task<EchoSocket.Received> ReadRestAsync(StreamReader reader)
    {
        try
        {
            var rest = await reader.ReadToEndAsync();
            return new EchoSocket.Received(rest.Length == 0 ? null : rest, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return new EchoSocket.Received(null, DateTime.UtcNow);
        }
    }

    /// <summary>The tunnel ends on the app's side too, not only towards the browser.</summary>
    private async Task AssertUpstreamSideEndsAsync()
    {
        var deadline = DateTime.UtcNow + Limit;
        while (Upstream.OpenEchoes != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, Upstream.OpenEchoes);
    }
}
