using System.Net;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// An SSO user is the provider's subject, not the name a claim gives: a second account at the provider that claims
/// the first one's email (unverified, or verified under another subject) does not become the first; a connector with
/// <c>create_users: false</c> makes nobody new; and a refusal never says whether a Postern user of that name exists.
/// </summary>
public sealed partial class SsoTests
{
    [Theory]
    [InlineData("mallory-false", false)]
    [InlineData("mallory-string", "true")]
    [InlineData("mallory-absent", null)]
    public async Task A_second_account_claiming_the_first_ones_email_unverified_cannot_sign_in_as_the_first(string attacker, object? verified)
    {
        await SignInAsync("vera", new { email = "vera@example.com", email_verified = true, groups = new[] { "devs" } });
        var claims = new Dictionary<string, object> { ["email"] = "vera@example.com", ["groups"] = new[] { "devs", "admins" } };
        if (verified is not null)
        {
            claims["email_verified"] = verified;
        }

        fixture.SetAccount(attacker, claims);
        using var client = new SsoClient(Server);
        var end = await client.OpenAppAsync("prod.localhost", "op", attacker);

        Assert.Equal(HttpStatusCode.Forbidden, end.Response!.StatusCode);
        Assert.Contains("has not verified the email address vera@example.com", WebUtility.HtmlDecode(end.Body), StringComparison.Ordinal);
        Assert.False(client.HasWebSession);
        await AssertLoginRefusedAsync("email_unverified", "vera@example.com", "has not verified the email address vera@example.com");
    }

    [Fact]
    public async Task A_second_account_with_the_first_ones_verified_email_but_another_subject_is_refused_and_the_first_still_signs_in()
    {
        await SignInAsync("walt", new { email = "walt@example.com", email_verified = true, groups = new[] { "devs" } });
        fixture.SetAccount("walt-impostor", new { email = "walt@example.com", email_verified = true, groups = new[] { "devs", "admins" } });

        using (var client = new SsoClient(Server))
        {
            var end = await client.OpenAppAsync("prod.localhost", "op", "walt-impostor");

            Assert.Equal(HttpStatusCode.Forbidden, end.Response!.StatusCode);
            Assert.False(client.HasWebSession);
            Assert.DoesNotContain("walt@example.com", end.Body, StringComparison.Ordinal);
            await AssertLoginRefusedAsync("subject_mismatch", "walt@example.com", "subject 'walt-impostor'");
        }

        await SignInAsync("walt", new { email = "walt@example.com", email_verified = true, groups = new[] { "devs" } });
    }

    [Fact]
    public async Task A_refusal_for_an_existing_local_user_reads_the_same_as_one_for_another_subject_and_does_not_say_that_the_user_exists()
    {
        await fixture.Admin.AddUserAsync("lena@example.com", "lena's long local password", ["dev-apps"]);
        fixture.SetAccount("lena", new { email = "lena@example.com", email_verified = true, groups = new[] { "devs" } });
        await SignInAsync("ulla", new { email = "ulla@example.com", email_verified = true, groups = new[] { "devs" } });
        fixture.SetAccount("ulla-impostor", new { email = "ulla@example.com", email_verified = true, groups = new[] { "devs" } });

        using var local = new SsoClient(Server);
        using var impostor = new SsoClient(Server);
        var localEnd = await local.OpenAppAsync("whoami.localhost", "op", "lena");
        var impostorEnd = await impostor.OpenAppAsync("whoami.localhost", "op", "ulla-impostor");

        Assert.Equal(HttpStatusCode.Forbidden, localEnd.Response!.StatusCode);
        Assert.Equal(impostorEnd.Response!.StatusCode, localEnd.Response.StatusCode);
        Assert.Equal(impostorEnd.Body, localEnd.Body);
        Assert.DoesNotContain("lena", localEnd.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("exist", localEnd.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("local", localEnd.Body, StringComparison.Ordinal);
        Assert.False(local.HasWebSession);
        await AssertLoginRefusedAsync("user_exists", "lena@example.com", "a local user named 'lena@example.com' already exists");
        await AssertLoginRefusedAsync("subject_mismatch", "ulla@example.com", "subject 'ulla-impostor'");
    }

    [Fact]
    public async Task A_connector_with_create_users_false_refuses_an_unknown_user_and_admits_one_it_made_before()
    {
        const string Scopes = "scopes: [openid, email, groups]";
        await fixture.Admin.CreateAsync(SsoFixture.Connector("closed", fixture.Provider.Issuer, Scopes));
        fixture.SetAccount("gail", new { email = "gail@example.com", email_verified = true, groups = new[] { "devs" } });
        fixture.SetAccount("hank", new { email = "hank@example.com", email_verified = true, groups = new[] { "devs" } });
        await SignInAsync("gail", through: "closed");

        await fixture.Admin.CreateAsync(SsoFixture.Connector("closed", fixture.Provider.Issuer, Scopes, "create_users: false"));
        using var unknown = new SsoClient(Server);
        var refused = await unknown.GoAsync(unknown.Browser.WebAddress + "/v1/sso/oidc/closed/login", "hank");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Response!.StatusCode);
        Assert.False(unknown.HasWebSession);
        await AssertLoginRefusedAsync("user_unknown", "hank@example.com", "create_users: false");
        using var users = await fixture.Admin.SendAsync(HttpMethod.Get, "users");
        Assert.DoesNotContain("hank@example.com", await users.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await SignInAsync("gail", through: "closed");
    }

    /// <summary>Signs <paramref name="login"/> in (after giving the account <paramref name="claims"/>) and checks that a web session was made.</summary>
    private async Task SignInAsync(string login, object? claims = null, string through = "op")
    {
        if (claims is not null)
        {
            fixture.SetAccount(login, claims);
        }

        using var client = new SsoClient(Server);
        var end = await client.GoAsync(client.Browser.WebAddress + $"/v1/sso/oidc/{through}/login", login);
        using (end.Response)
        {
            Assert.True(end.Response!.StatusCode == HttpStatusCode.OK && client.HasWebSession, $"{login} did not sign in through {through}: {end.Body}");
        }
    }

    private async Task AssertLoginRefusedAsync(string code, string user, string reason)
    {
        var events = await fixture.Admin.AuditAsync("user.login");
        Assert.Contains(events, e => e.GetProperty("method").GetString() == "oidc" && !e.GetProperty("success").GetBoolean()
            && e.GetProperty("code").GetString() == code && e.TryGetProperty("user", out var name) && name.GetString() == user
            && e.GetProperty("reason").GetString()!.Contains(reason, StringComparison.Ordinal));
    }
}
