using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Testing;
using Postern.Verification;

namespace Postern.Server.Tests.AppAccess;

/// <summary>Sign-in, app sessions and the proxy, end to end over real sockets.</summary>
public sealed class AppAccessTests(AppAccessFixture fixture) : IClassFixture<AppAccessFixture>
{
    private TestPostern Server => fixture.Server;

    private Upstream Upstream => fixture.Upstream;

    [Fact]
    public async Task A_signed_in_user_reaches_the_app_with_an_assertion_that_Postern_Verification_and_jose_accept()
    {
        using var browser = await fixture.SignedInAsync("alice");

        using var response = await browser.GetAsync(browser.AppUrl("whoami.localhost", "/hello?x=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream saw /hello", await response.Content.ReadAsStringAsync());
        var seen = Upstream.Last;
        Assert.Equal("/hello?x=1", seen.PathAndQuery);
        var assertion = seen.Header("Teleport-Jwt-Assertion")!;

        using var http = TestPostern.CreateClient(Server.CertificatePath);
        var cache = new JsonWebKeySetCache(http, new Uri(Server.BaseUrl + "/.well-known/jwks.json"), TimeProvider.System);
        var validator = new PosternTokenValidator(cache, new PosternTokenValidatorOptions { Issuer = "test.example.com", Audiences = [Upstream.Address] }, fixture.Time);
        var result = await validator.ValidateAsync(assertion, CancellationToken.None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal("alice", result.Identity!.Subject);
        Assert.Equal("alice", result.Identity.UserName);
        Assert.Equal(["access"], result.Identity.Roles);
        Assert.Equal(["alice", "root"], result.Identity.Traits["logins"]);

        var (exit, answer) = await NodeScript.RunAsync("verify-token.mjs", Server.CertificatePath,
            "--jwks", Server.BaseUrl + "/.well-known/jwks.json", "--iss", "test.example.com", "--aud", Upstream.Address,
            "--now", fixture.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), assertion);
        Assert.True(exit == 0, answer.ToString());
        var payload = answer.GetProperty("payload");
        Assert.Equal(Upstream.Address, payload.GetProperty("aud")[0].GetString());
        Assert.Equal("alice", payload.GetProperty("sub").GetString());
        Assert.Equal("alice", payload.GetProperty("username").GetString());
        Assert.Equal("access", payload.GetProperty("roles")[0].GetString());
        Assert.Equal("ops", payload.GetProperty("traits").GetProperty("team")[1].GetString());
        Assert.Equal(JsonValueKind.String, payload.GetProperty("jti").ValueKind);
    }

    [Fact]
    public async Task Rewrite_headers_carry_the_same_token_and_traits_and_client_identity_headers_never_reach_the_app()
    {
        using var browser = await fixture.SignedInAsync("alice");
        await browser.GetAsync(browser.AppUrl("whoami.localhost"));

        using var request = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost", "/forged"));
        request.Headers.TryAddWithoutValidation("Teleport-Jwt-Assertion", "forged.assertion.value");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer forged");
        request.Headers.TryAddWithoutValidation("X-Missing", "client value");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Postern-User", "mallory");
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Upstream.Last;
        var assertion = seen.Header("Teleport-Jwt-Assertion");
        Assert.NotEqual("forged.assertion.value", assertion);
        Assert.Equal("Bearer " + assertion, seen.Header("Authorization"));
        Assert.Equal(["alice", "root"], seen.Header("X-Logins")!.Split(',', StringSplitOptions.TrimEntries));
        // alice is a local user: her traits are internal, and {{external.team}} reads only an identity provider's claims.
        Assert.Null(seen.Header("X-Team"));
        Assert.Null(seen.Header("X-Missing"));
        Assert.Null(seen.Header("X-Postern-User"));
        Assert.Equal("127.0.0.1", seen.Header("X-Forwarded-For"));
        Assert.Equal("https", seen.Header("X-Forwarded-Proto"));
        Assert.StartsWith("whoami.localhost", seen.Header("X-Forwarded-Host"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postern_cookies_never_reach_the_app_but_the_apps_own_cookies_do()
    {
        using var browser = await fixture.SignedInAsync("alice");
        await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        browser.Cookies.Add(new Uri(browser.AppUrl("whoami.localhost")), new Cookie("app_pref", "dark"));

        await browser.GetAsync(browser.AppUrl("whoami.localhost", "/cookies"));

        var cookie = Upstream.Last.Header("Cookie");
        Assert.Equal("app_pref=dark", cookie);
        Assert.NotNull(browser.Cookie(browser.AppUrl("whoami.localhost"), "__Host-postern_app"));
    }

    [Fact]
    public async Task The_assertion_is_reused_within_its_half_life_renewed_after_it_and_new_for_a_new_session()
    {
        using var browser = await fixture.SignedInAsync("alice");
        var url = browser.AppUrl("whoami.localhost", "/jti");
        await browser.GetAsync(url);
        var first = Claims(Upstream.Last);
        await browser.GetAsync(url);
        var again = Claims(Upstream.Last);
        Assert.Equal(first.GetProperty("jti").GetString(), again.GetProperty("jti").GetString());

        fixture.Time.Advance(TimeSpan.FromSeconds(151));
        await browser.GetAsync(url);
        var renewed = Claims(Upstream.Last);
        Assert.NotEqual(first.GetProperty("jti").GetString(), renewed.GetProperty("jti").GetString());
        Assert.True(renewed.GetProperty("exp").GetInt64() > first.GetProperty("exp").GetInt64());
        Assert.Equal(300, first.GetProperty("exp").GetInt64() - first.GetProperty("iat").GetInt64());
        Assert.Equal(10, first.GetProperty("iat").GetInt64() - first.GetProperty("nbf").GetInt64());

        using var other = await fixture.SignedInAsync("alice");
        await other.GetAsync(url);
        Assert.NotEqual(renewed.GetProperty("jti").GetString(), Claims(Upstream.Last).GetProperty("jti").GetString());

        var issued = await fixture.Admin.AuditAsync("app.assertion.issued");
        var minted = Assert.Single(issued, e => e.GetProperty("jti").GetString() == first.GetProperty("jti").GetString() && e.GetProperty("app").GetString() == "whoami");
        Assert.Equal("127.0.0.1", minted.GetProperty("client_addr").GetString());
    }

    [Fact]
    public async Task A_change_to_the_users_traits_re_mints_the_assertion_at_once()
    {
        await fixture.Admin.AddUserAsync("dave", AppAccessFixture.Password, ["access"], new() { ["logins"] = ["dave"] });
        using var browser = await fixture.SignedInAsync("dave");
        var url = browser.AppUrl("whoami.localhost", "/traits");
        await browser.GetAsync(url);
        var before = Claims(Upstream.Last);

        await fixture.Admin.UpdateUserAsync("dave", traits: new() { ["logins"] = ["dave", "admin"] });
        await browser.GetAsync(url);

        var after = Claims(Upstream.Last);
        Assert.NotEqual(before.GetProperty("jti").GetString(), after.GetProperty("jti").GetString());
        Assert.Equal(2, after.GetProperty("traits").GetProperty("logins").GetArrayLength());
    }

    [Fact]
    public async Task Jwt_claims_none_sends_neither_roles_nor_traits()
    {
        using var browser = await fixture.SignedInAsync("alice");

        await browser.GetAsync(browser.AppUrl("bare.localhost"));

        var claims = Claims(Upstream.Last);
        Assert.False(claims.TryGetProperty("roles", out _));
        Assert.False(claims.TryGetProperty("traits", out _));
        Assert.Equal("alice", claims.GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_user_whose_roles_do_not_match_the_apps_labels_gets_403_and_an_audit_event()
    {
        using var browser = await fixture.SignedInAsync("bob");
        var before = Upstream.Requests.Count;

        using var denied = await browser.GetAsync(browser.AppUrl("prod.localhost"));
        using var allowed = await browser.GetAsync(browser.AppUrl("whoami.localhost"));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(before + 1, Upstream.Requests.Count);
        var events = await fixture.Admin.AuditAsync("app.access.denied");
        var refused = Assert.Single(events, e => e.GetProperty("user").GetString() == "bob" && e.GetProperty("app").GetString() == "prod");
        Assert.Equal("127.0.0.1", refused.GetProperty("client_addr").GetString());
    }

    [Fact]
    public async Task A_request_on_an_app_session_whose_access_was_withdrawn_gets_403_and_an_event_with_the_requests_address()
    {
        await fixture.Admin.AddUserAsync("fred", AppAccessFixture.Password, ["dev-only"]);
        using var browser = await fixture.SignedInAsync("fred");
        using var allowed = await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        await fixture.Admin.UpdateUserAsync("fred", roles: ["no-prod"]);
        using var denied = await browser.GetAsync(browser.AppUrl("whoami.localhost"));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        // The first denial after an allow is audited beside the request (it may be decided when the state moves, before
        // any request), so its event can land just after the 403.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<System.Text.Json.JsonElement> found;
        while (true)
        {
            found = [.. (await fixture.Admin.AuditAsync("app.access.denied")).Where(e => e.GetProperty("user").GetString() == "fred" && e.TryGetProperty("session", out _))];
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        var refused = Assert.Single(found);
        Assert.Equal("whoami", refused.GetProperty("app").GetString());
        Assert.Equal("fred", refused.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal("127.0.0.1", refused.GetProperty("client_addr").GetString());
    }

    [Fact]
    public async Task A_deny_rule_beats_an_allow_rule()
    {
        using var browser = await fixture.SignedInAsync("carol");

        using var prod = await browser.GetAsync(browser.AppUrl("prod.localhost"));
        using var dev = await browser.GetAsync(browser.AppUrl("whoami.localhost"));

        Assert.Equal(HttpStatusCode.Forbidden, prod.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dev.StatusCode);
        var events = await fixture.Admin.AuditAsync("app.access.denied");
        Assert.Contains(events, e => e.GetProperty("user").GetString() == "carol" && e.GetProperty("reason").GetString()!.Contains("no-prod", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lock")]
    [InlineData("rm")]
    public async Task A_locked_or_removed_users_open_app_session_stops_working_within_two_seconds(string how)
    {
        var name = "erin-" + how;
        await fixture.Admin.AddUserAsync(name, AppAccessFixture.Password, ["access"]);
        using var browser = await fixture.SignedInAsync(name);
        using var open = await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);

        using var result = how == "lock"
            ? await fixture.Admin.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "user/" + name }))
            : await fixture.Admin.SendAsync(HttpMethod.Delete, "users/" + name);
        Assert.True(result.IsSuccessStatusCode, await result.Content.ReadAsStringAsync());
        var ended = DateTime.UtcNow;
        var before = Upstream.Requests.Count;

        HttpStatusCode status;
        do
        {
            using var response = await browser.Http.GetAsync(browser.AppUrl("whoami.localhost"));
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow - ended < TimeSpan.FromSeconds(2));

        Assert.NotEqual(HttpStatusCode.OK, status);
        using var relogin = await browser.LoginAsync(name, AppAccessFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, relogin.StatusCode);
        Assert.True(Upstream.Requests.Count - before <= 1);
    }

    [Fact]
    public async Task WebSocket_upgrades_and_streaming_responses_pass_through()
    {
        using var browser = await fixture.SignedInAsync("alice");
        await browser.GetAsync(browser.AppUrl("whoami.localhost"));

        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(browser.AppUrl("whoami.localhost", "/ws").Replace("https://", "wss://", StringComparison.Ordinal)), new HttpMessageInvoker(browser.Handler, false), CancellationToken.None);
            await socket.SendAsync("ping"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[16];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal("ping", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        using var response = await browser.Http.GetAsync(browser.AppUrl("whoami.localhost", "/stream"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Upstream.StreamGate.TrySetResult();
        Assert.Equal("last", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task Location_headers_naming_a_redirect_host_are_rewritten_to_the_apps_public_address()
    {
        using var browser = await fixture.SignedInAsync("alice");
        await browser.GetAsync(browser.AppUrl("whoami.localhost"));
        using var noFollow = new HttpClient(new SocketsHttpHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false, ConnectCallback = browser.Handler.ConnectCallback, SslOptions = browser.Handler.SslOptions });

        using var response = await noFollow.GetAsync(browser.AppUrl("whoami.localhost", "/redirect"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(browser.AppUrl("whoami.localhost", "/elsewhere?x=1"), response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_request_whose_own_headers_overflow_the_apps_header_budget_is_answered_431_and_not_forwarded()
    {
        using var browser = await fixture.SignedInAsync("alice");
        using (var open = await browser.GetAsync(browser.AppUrl("whoami.localhost")))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        using var big = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost", "/too-big"));
        big.Headers.Add("X-Big", new string('a', 9000));
        using var fits = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("whoami.localhost", "/fits"));
        fits.Headers.Add("X-Big", new string('a', 4000));

        using var refused = await browser.SendAsync(big);
        using var passed = await browser.SendAsync(fits);

        Assert.Equal((HttpStatusCode)431, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("accepts at most 8192", page, StringComparison.Ordinal);
        Assert.Contains("browser's own headers", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Upstream.Requests, r => r.PathAndQuery == "/too-big");
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Contains(Upstream.Requests, r => r.PathAndQuery == "/fits");
    }

    internal static JsonElement Claims(RecordedRequest request)
    {
        var token = request.Header("Teleport-Jwt-Assertion") ?? throw new InvalidOperationException("no assertion reached the upstream");
        var payload = token.Split('.')[1];
        return JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(payload)).RootElement.Clone();
    }
}
