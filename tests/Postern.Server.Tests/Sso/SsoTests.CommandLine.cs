using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Postern.Server.Sessions;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// The server's side of <c>postern login --sso</c>: a sign-in whose end is the command's loopback callback with a
/// one-time code, which only the command holding the verifier can exchange, once, for a client credential.
/// </summary>
public sealed partial class SsoTests
{
    public static TheoryData<string, string> CallbacksOffTheLoopback => new()
    {
        { "another host", "http://evil.example:8080/callback" },
        { "https on another host", "https://evil.example/callback" },
        { "a loopback name as a subdomain", "http://127.0.0.1.evil.example:8080/callback" },
        { "localhost as a subdomain", "http://localhost.evil.example:8080/callback" },
        { "user info before another host", "http://127.0.0.1:8080@evil.example/callback" },
        { "a backslash", "http://127.0.0.1:8080\\@evil.example/callback" },
        { "no port", "http://127.0.0.1/callback" },
        { "https on the loopback", "https://127.0.0.1:8080/callback" },
        { "a scheme-relative address", "//evil.example/callback" },
        { "a path", "/web/" },
        { "another address on the machine", "http://10.0.0.1:8080/callback" },
        { "a query of its own", "http://127.0.0.1:8080/callback?next=https://evil.example/" },
    };

    [Theory]
    [MemberData(nameof(CallbacksOffTheLoopback))]
    public async Task A_sign_in_for_the_command_line_is_refused_unless_its_callback_is_on_the_loopback(string why, string redirect)
    {
        using var browser = new Browser(Server, followRedirects: false);
        var challenge = ClientLoginChallenge.Of(SessionKeys.NewToken());

        using var refused = await browser.GetAsync(CommandLineSignIn.StartUrl(browser.WebAddress, "op", redirect, SessionKeys.NewToken(), challenge));

        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{why}: {refused.StatusCode} {refused.Headers.Location}");
        Assert.Null(refused.Headers.Location);
        Assert.Contains("client_redirect", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/callback")]
    [InlineData("http://[::1]:{0}/callback")]
    [InlineData("http://localhost:{0}/callback")]
    public async Task A_sign_in_for_the_command_line_with_a_loopback_callback_goes_to_the_provider(string redirect)
    {
        using var browser = new Browser(Server, followRedirects: false);

        using var started = await browser.GetAsync(CommandLineSignIn.StartUrl(browser.WebAddress, "op", string.Format(System.Globalization.CultureInfo.InvariantCulture, redirect, 49152), SessionKeys.NewToken(), ClientLoginChallenge.Of(SessionKeys.NewToken())));

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.StartsWith(fixture.Provider.Issuer, started.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_is_sent_only_with_the_commands_state_and_is_spent_by_a_wrong_verifier()
    {
        using var client = new SsoClient(Server);
        var signIn = await CommandLineSignIn.RunAsync(client, "op", "alice");
        Assert.False(client.HasWebSession);
        Assert.True(SessionKeys.IsWellFormed(signIn.Code), signIn.Callback.ToString());

        // A thief who read the code off the redirect has no verifier; trying spends the code.
        using var stolen = await CommandLineSignIn.ExchangeAsync(client, signIn.Code, SessionKeys.NewToken());
        Assert.Equal(HttpStatusCode.Unauthorized, stolen.StatusCode);
        Assert.Contains("verifier does not match", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var after = await CommandLineSignIn.ExchangeAsync(client, signIn.Code, signIn.Verifier);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("unknown, was used already, or expired", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_with_its_verifier_gives_one_client_credential_once_and_the_login_is_audited()
    {
        using var client = new SsoClient(Server);
        var signIn = await CommandLineSignIn.RunAsync(client, "op", "olga");

        using var exchanged = await CommandLineSignIn.ExchangeAsync(client, signIn.Code, signIn.Verifier);
        var body = await exchanged.Content.ReadAsStringAsync();
        Assert.True(exchanged.StatusCode == HttpStatusCode.OK, body);
        var login = JsonDocument.Parse(body).RootElement;
        Assert.Equal("olga@example.com", login.GetProperty("user").GetString());
        Assert.Equal(["auditor"], login.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        using var again = await CommandLineSignIn.ExchangeAsync(client, signIn.Code, signIn.Verifier);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);

        using var audit = await AdminAsync(login.GetProperty("token").GetString()!, "audit?type=user.login");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        var logins = await fixture.Admin.AuditAsync("user.login");
        var recorded = Assert.Single(logins, e => e.TryGetProperty("client", out var c) && c.GetString() == "cli" && e.GetProperty("user").GetString() == "olga@example.com");
        Assert.Equal("oidc", recorded.GetProperty("method").GetString());
        Assert.Equal("user", recorded.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("olga@example.com", recorded.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal("127.0.0.1", recorded.GetProperty("client_addr").GetString());
    }

    [Fact]
    public async Task A_user_that_sso_maps_to_no_admin_role_gets_a_credential_every_admin_route_refuses()
    {
        using var client = new SsoClient(Server);
        var signIn = await CommandLineSignIn.RunAsync(client, "op", "erin");
        using var exchanged = await CommandLineSignIn.ExchangeAsync(client, signIn.Code, signIn.Verifier);
        var login = JsonDocument.Parse(await exchanged.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["dev-apps"], login.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        foreach (var path in new[] { "users", "locks", "audit", "bots", "authorities" })
        {
            using var refused = await AdminAsync(login.GetProperty("token").GetString()!, path);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {refused.StatusCode}");
        }
    }

    [Fact]
    public async Task The_user_a_first_sign_in_creates_is_recorded_as_created_by_that_person_from_their_address()
    {
        using var client = new SsoClient(Server);
        await CommandLineSignIn.RunAsync(client, "op", "pia");

        var created = Assert.Single(await fixture.Admin.AuditAsync("user.create"), e => e.GetProperty("user").GetString() == "pia@example.com");
        Assert.Equal("user", created.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("pia@example.com", created.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal("127.0.0.1", created.GetProperty("client_addr").GetString());
        Assert.Equal("op", created.GetProperty("connector").GetString());
    }

    private async Task<HttpResponseMessage> AdminAsync(string token, string path)
    {
        using var http = TestPostern.CreateClient(Server.CertificatePath);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Server.BaseUrl}/v1/admin/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
