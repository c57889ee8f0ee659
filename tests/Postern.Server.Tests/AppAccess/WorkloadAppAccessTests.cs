using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// Workloads reach apps through the proxy with their JWT-SVIDs (<c>workload_access</c>): the bot <c>caller</c> holds a
/// role that opens the apps labelled <c>team: api</c>; the bot <c>outsider</c> may get SVIDs but open no app. Each bot's
/// SPIFFE ID is <c>/bot/&lt;name&gt;</c>. Refusals first, then the way through with curl.
/// </summary>
public sealed class WorkloadAppAccessTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private Upstream _upstream = null!;
    private TestPostern _server = null!;
    private AdminApi _admin = null!;
    private WorkloadClient _workload = null!;
    private Browser _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _server = await TestPostern.StartAsync(_dir.Path, $$"""
            apps:
              - name: api
                uri: {{_upstream.Address}}
                public_addr: api.localhost
                labels: { team: api }
                workload_access: {}
              - name: vault
                uri: {{_upstream.Address}}
                public_addr: vault.localhost
                labels: { team: api }
                workload_access: { header: X-Postern-Authorization }
              - name: tight
                uri: {{_upstream.Address}}
                public_addr: tight.localhost
                labels: { team: api }
                max_header_bytes: 1024
                rewrite:
                  headers:
                    - "Authorization: Bearer {{"{{"}}internal.jwt{{"}}"}}"
                workload_access: { header: X-Postern-Authorization }
            """, time: _time);
        _admin = new AdminApi(_server);
        await _admin.CreateAsync("""
            kind: role
            version: v1
            metadata: { name: api-caller }
            spec:
              allow:
                app_labels: { team: api }
                workload_identity_labels: { "*": "*" }
            ---
            kind: role
            version: v1
            metadata: { name: svids-only }
            spec:
              allow:
                workload_identity_labels: { "*": "*" }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: per-bot }
            spec:
              spiffe: { id: "/bot/{{bot.name}}" }
            """);
        _workload = new WorkloadClient(_server);
        _client = new Browser(_server, followRedirects: false);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string> SvidAsync(string bot, string roles, string audience)
    {
        var credential = await _workload.JoinNewBotAsync(bot, roles);
        return (await _workload.IssueOneAsync(credential, new JwtSvidRequest([audience], Workload: WorkloadClient.Unix(1000)))).GetProperty("jwt_svid").GetString()!;
    }

    private async Task<HttpResponseMessage> CallAsync(string host, string? bearer, string header = "Authorization", Action<HttpRequestMessage>? more = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _client.AppUrl(host, "/data"));
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation(header, "Bearer " + bearer);
        }

        more?.Invoke(request);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> DeniedEventAsync(string containing)
    {
        var events = await _admin.AuditAsync("app.workload.denied");
        return Assert.Single(events, e => e.GetProperty("reason").GetString()!.Contains(containing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_svid_for_another_audience_is_401_with_a_bearer_challenge_and_audited()
    {
        var svid = await SvidAsync("caller", "api-caller", "other.localhost");
        var before = _upstream.Requests.Count;

        using var response = await CallAsync("api.localhost", svid);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer realm=\"postern\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
        Assert.Equal(before, _upstream.Requests.Count);
        var denied = await DeniedEventAsync("InvalidAudience");
        Assert.Equal("api", denied.GetProperty("app").GetString());
        Assert.Equal(401, denied.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_expired_svid_is_401_and_audited()
    {
        var svid = await SvidAsync("caller", "api-caller", "api.localhost");
        _time.Advance(TimeSpan.FromMinutes(10));

        using var response = await CallAsync("api.localhost", svid);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await DeniedEventAsync("Expired");
    }

    [Fact]
    public async Task An_svid_of_an_unfederated_trust_domain_is_401_and_audited()
    {
        using var key = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "spiffe://elsewhere.test/bot/caller", ["aud"] = "api.localhost", ["jti"] = "j" },
            Issuer = "https://elsewhere.test/workload-identity",
            IssuedAt = _time.GetUtcNow().UtcDateTime,
            Expires = _time.GetUtcNow().UtcDateTime.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "k" }, SecurityAlgorithms.RsaSha256),
        });

        using var response = await CallAsync("api.localhost", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var denied = await DeniedEventAsync("trust domain 'elsewhere.test' is neither this cluster's nor federated with it");
        Assert.Equal("workload", denied.GetProperty("actor").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_bot_whose_roles_do_not_open_the_app_is_403_and_audited()
    {
        var svid = await SvidAsync("outsider", "svids-only", "api.localhost");

        using var response = await CallAsync("api.localhost", svid);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var denied = await DeniedEventAsync("bot 'outsider'");
        Assert.Equal("outsider", denied.GetProperty("bot").GetString());
        Assert.Equal("spiffe://test.example.com/bot/outsider", denied.GetProperty("spiffe_id").GetString());
    }

    [Fact]
    public async Task A_persons_session_cookie_does_not_rescue_a_forged_bearer()
    {
        await _admin.AddUserAsync("alice", "correct horse battery staple", ["access"]);
        using var browser = new Browser(_server);
        using (var login = await browser.LoginAsync("alice", "correct horse battery staple"))
        {
            Assert.True(login.IsSuccessStatusCode);
        }

        using (var navigation = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("api.localhost", "/")))
        using (var opened = await browser.SendAsync(WithHtml(navigation)))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode); // the person's session works alone
        }

        var svid = await SvidAsync("caller", "api-caller", "api.localhost");
        var before = _upstream.Requests.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.AppUrl("api.localhost", "/data"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", JwtTampering.ChangeOneSignatureByte(svid));
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, _upstream.Requests.Count);
        await DeniedEventAsync("InvalidSignature");
    }

    private static HttpRequestMessage WithHtml(HttpRequestMessage request)
    {
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [Fact]
    public async Task No_token_from_a_client_that_is_not_a_browser_is_401_not_a_sign_in_redirect()
    {
        using var response = await CallAsync("api.localhost", bearer: null, more: r => r.Headers.Accept.ParseAdd("application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer ", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var page = await CallAsync("api.localhost", bearer: null, more: r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task An_svid_in_the_apps_own_header_is_consumed_and_the_apps_authorization_passes_through()
    {
        var svid = await SvidAsync("caller", "api-caller", "vault.localhost");

        using var response = await CallAsync("vault.localhost", svid, "X-Postern-Authorization", r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YXBwOnNlY3JldA=="));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _upstream.Last;
        Assert.Null(seen.Header("X-Postern-Authorization"));
        Assert.NotNull(seen.Header("Teleport-Jwt-Assertion"));
    }

    [Fact]
    public async Task A_workloads_svid_reaches_the_app_with_curl_and_the_assertion_names_the_bot_and_verifies_with_jose()
    {
        var svid = await SvidAsync("caller", "api-caller", "api.localhost");
        var port = new Uri(_server.BaseUrl).Port;

        var curl = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-sS", "-o", "-", "-w", "\n%{http_code}", "--cacert", _server.CertificatePath,
            "--resolve", $"api.localhost:{port}:127.0.0.1", "-H", "Authorization: Bearer " + svid, $"https://api.localhost:{port}/report"])
        {
            curl.ArgumentList.Add(arg);
        }

        using var process = Process.Start(curl)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        Assert.EndsWith("\n200", output, StringComparison.Ordinal);
        Assert.StartsWith("upstream saw /report", output, StringComparison.Ordinal);

        var seen = _upstream.Last;
        Assert.Null(seen.Header("Authorization")); // consumed
        var assertion = seen.Header("Teleport-Jwt-Assertion")!;
        var (exit, answer) = await NodeScript.RunAsync("verify-token.mjs", _server.CertificatePath,
            "--jwks", _server.BaseUrl + "/.well-known/jwks.json", "--iss", "test.example.com", "--aud", _upstream.Address,
            "--now", _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), assertion);
        Assert.True(exit == 0, answer.ToString());
        var payload = answer.GetProperty("payload");
        Assert.Equal("bot-caller", payload.GetProperty("sub").GetString());
        Assert.Equal("spiffe://test.example.com/bot/caller", payload.GetProperty("spiffe_id").GetString());
        Assert.Equal(["api-caller"], payload.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var minted = (await _admin.AuditAsync("app.assertion.issued")).Single(e => e.TryGetProperty("bot", out _));
        Assert.Equal(payload.GetProperty("jti").GetString(), minted.GetProperty("jti").GetString());
        Assert.Equal("bot", minted.GetProperty("actor").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_workloads_assertion_over_the_apps_header_budget_is_not_forwarded_but_refused_431_and_audited()
    {
        // The assertion goes twice (its own header and Authorization): over the 1024-byte budget.
        var svid = await SvidAsync("tight-caller", "api-caller", "tight.localhost");
        var before = _upstream.Requests.Count;

        using var response = await CallAsync("tight.localhost", svid, "X-Postern-Authorization");

        Assert.Equal((HttpStatusCode)431, response.StatusCode);
        Assert.Contains("max_header_bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
        Assert.Equal(before, _upstream.Requests.Count);
        var oversize = Assert.Single(await _admin.AuditAsync("app.assertion.oversize"), e => e.GetProperty("app").GetString() == "tight");
        Assert.Equal("tight-caller", oversize.GetProperty("bot").GetString());
        Assert.Equal(1024, oversize.GetProperty("max_header_bytes").GetInt32());
        Assert.DoesNotContain(await _admin.AuditAsync("app.assertion.issued"), e => e.GetProperty("app").GetString() == "tight");
    }
}
