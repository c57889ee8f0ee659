using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>Every way a sign-in through an identity provider must fail: refused with a clear message, no session made, an audit event written.</summary>
public sealed partial class SsoTests
{
    private static bool IsCallback(Uri uri) => uri.AbsolutePath.StartsWith("/v1/sso/oidc/", StringComparison.Ordinal) && uri.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal);

    [Fact]
    public async Task A_tampered_state_is_refused()
    {
        using var client = new SsoClient(Server);
        var callback = (await client.GoAsync(client.Browser.WebAddress + "/v1/sso/oidc/op/login", "bob", IsCallback)).Url;
        var query = QueryHelpers.ParseQuery(callback.Query);
        var state = query["state"].ToString();
        var tampered = state[..20] + (state[20] == 'A' ? 'B' : 'A') + state[21..];

        var end = await client.GoAsync(callback.GetLeftPart(UriPartial.Path) + "?code=" + Uri.EscapeDataString(query["code"].ToString()) + "&state=" + Uri.EscapeDataString(tampered), "bob");

        await AssertRefusedAsync(client, end, HttpStatusCode.Unauthorized, "bad_state", "state is missing or was altered");
    }

    [Fact]
    public async Task A_replayed_authorization_code_is_refused_by_the_provider_and_so_by_Postern()
    {
        using var first = new SsoClient(Server);
        using var replayer = new SsoClient(Server);
        var callback = (await first.GoAsync(first.Browser.WebAddress + "/v1/sso/oidc/op/login", "bob", IsCallback)).Url;

        // The replayer holds the same correlation and nonce cookies, so the only thing left to stop it is the code's single use.
        foreach (Cookie cookie in first.Browser.Cookies.GetCookies(callback))
        {
            replayer.Browser.Cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain) { Secure = cookie.Secure, HttpOnly = cookie.HttpOnly });
        }

        var used = await first.GoAsync(callback.ToString(), "bob");
        var replayed = await replayer.GoAsync(callback.ToString(), "bob");

        Assert.Equal(HttpStatusCode.OK, used.Response!.StatusCode);
        Assert.True(first.HasWebSession);
        await AssertRefusedAsync(replayer, replayed, HttpStatusCode.Unauthorized, "code_refused", "refused the authorization code");
    }

    // wrong-aud and expired are a provider that signs real ID tokens it gets wrong; nothing listens at gone's issuer.
    [Theory]
    [InlineData("wrong-aud", HttpStatusCode.Unauthorized, "bad_audience", "meant for another client")]
    [InlineData("expired", HttpStatusCode.Unauthorized, "token_expired", "ID token has expired")]
    [InlineData("gone", HttpStatusCode.BadGateway, "provider_unreachable", "cannot be reached")]
    public async Task An_ID_token_for_another_audience_an_expired_one_and_an_unreachable_provider_are_refused(string connector, HttpStatusCode status, string code, string message)
    {
        using var client = new SsoClient(Server);

        var end = await client.GoAsync(client.Browser.WebAddress + $"/v1/sso/oidc/{connector}/login", "mallory");

        await AssertRefusedAsync(client, end, status, code, message);
    }

    [Fact]
    public async Task A_malformed_connector_is_refused_naming_every_problem_and_nothing_is_stored()
    {
        using var response = await fixture.Admin.SendAsync(HttpMethod.Post, "resources?source=bad.yaml", new StringContent("""
            kind: oidc
            version: v1
            metadata: {name: bad}
            spec:
              issuer_url: http://idp.example.com
              client_id: postern
              client_secret: the-secret-itself
              scopes: [email]
              prompt: sometimes
            """, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("spec.issuer_url", body, StringComparison.Ordinal);
        Assert.Contains("is not https://", body, StringComparison.Ordinal);
        Assert.Contains("spec.client_secret: a secret is never written into a resource", body, StringComparison.Ordinal);
        Assert.Contains("spec.scopes: must include openid", body, StringComparison.Ordinal);
        Assert.Contains("unknown prompt 'sometimes'", body, StringComparison.Ordinal);
        Assert.Contains("spec.claims_to_roles: required", body, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-itself", body, StringComparison.Ordinal);
        using var get = await fixture.Admin.SendAsync(HttpMethod.Get, "resources/oidc/bad");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_connector_whose_secret_the_server_cannot_read_is_refused_at_create()
    {
        using var response = await fixture.Admin.SendAsync(HttpMethod.Post, "resources", new StringContent(
            SsoFixture.Connector("unset", fixture.Provider.Issuer).Replace(SsoFixture.SecretVariable, "POSTERN_TEST_UNSET_SECRET", StringComparison.Ordinal),
            Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("environment variable POSTERN_TEST_UNSET_SECRET that holds the client secret is not set", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var get = await fixture.Admin.SendAsync(HttpMethod.Get, "resources/oidc/unset");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Get_shows_where_the_client_secret_is_and_never_the_secret_and_the_store_holds_no_secret_either()
    {
        using var response = await fixture.Admin.SendAsync(HttpMethod.Get, "resources/oidc/op");
        var yaml = await response.Content.ReadAsStringAsync();
        var stored = await Server.Host.Store.GetAsync("/connectors/oidc/op", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("env: " + SsoFixture.SecretVariable, yaml, StringComparison.Ordinal);
        Assert.Contains("issuer_url: " + fixture.Provider.Issuer, yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(SsoFixture.ClientSecret, yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(SsoFixture.ClientSecret, Encoding.UTF8.GetString(stored!.Value.Span), StringComparison.Ordinal);
    }

    private async Task AssertRefusedAsync(SsoClient client, SsoStep end, HttpStatusCode status, string code, string message)
    {
        Assert.Equal(status, end.Response!.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(end.Body), StringComparison.Ordinal);
        Assert.False(client.HasWebSession);
        var events = await fixture.Admin.AuditAsync("user.login");
        Assert.Contains(events, e => e.GetProperty("method").GetString() == "oidc" && !e.GetProperty("success").GetBoolean()
            && e.GetProperty("code").GetString() == code && e.GetProperty("reason").GetString()!.Contains(message, StringComparison.Ordinal));
    }
}
