using System.Globalization;
using System.Net;
using System.Text.Json;
using Postern.Admin.Api;
using Postern.Server.Tests.AppAccess;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// The assertion size budget (<c>max_header_bytes</c>) and the claim filters of <c>rewrite.jwt_claims</c>, end to end: a
/// user whose identity provider gives 400 groups signs in through a real OpenID Provider and opens apps served by a real
/// nginx with its default header limits.
/// </summary>
public sealed class AssertionBudgetTests(SsoFixture fixture) : IClassFixture<SsoFixture>
{
    private const string Login = "gina";
    private const string UserName = "gina@example.com";

    private TestPostern Server => fixture.Server;

    [Fact]
    public async Task Without_filters_400_groups_overflow_8192_header_bytes_so_the_request_is_not_forwarded_and_the_page_and_audit_name_the_cause()
    {
        await using var nginx = await NginxUpstream.StartAsync();
        GiveFourHundredGroups();
        await fixture.Admin.CreateAsync(App("wide", nginx, "max_header_bytes: 8192") + "---\n" + App("wide-unbudgeted", nginx, "max_header_bytes: 1048576"));
        using var client = new SsoClient(Server);

        var refused = await client.OpenAppAsync("wide.localhost", "op", Login);

        using (refused.Response)
        {
            Assert.Equal((HttpStatusCode)431, refused.Response!.StatusCode);
            Assert.Contains("too large", refused.Body, StringComparison.Ordinal);
            Assert.Contains("traits.groups", refused.Body, StringComparison.Ordinal);
            Assert.Contains("groups_filter", refused.Body, StringComparison.Ordinal);
            Assert.Contains("max_header_bytes", refused.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("directory-group-", refused.Body, StringComparison.Ordinal);
        }

        Assert.Equal("", nginx.AccessLog);
        var oversize = Assert.Single(await fixture.Admin.AuditAsync("app.assertion.oversize"), e => e.GetProperty("app").GetString() == "wide");
        Assert.Equal(UserName, oversize.GetProperty("user").GetString());
        Assert.Equal(8192, oversize.GetProperty("max_header_bytes").GetInt32());
        Assert.True(oversize.GetProperty("header_bytes").GetInt32() > 8192, oversize.ToString());
        Assert.Equal("traits.groups", oversize.GetProperty("largest_claims")[0].GetProperty("claim").GetString());
        Assert.DoesNotContain(await fixture.Admin.AuditAsync("app.assertion.issued"), e => e.GetProperty("app").GetString() == "wide");

        // The budget stands for a real limit: without it, the same request reaches nginx, which refuses it.
        var unbudgeted = await client.GoAsync(client.Browser.AppUrl("wide-unbudgeted.localhost"), Login);
        using (unbudgeted.Response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, unbudgeted.Response!.StatusCode);
            Assert.Contains("400", await nginx.AccessLogContainingAsync("400", TimeSpan.FromSeconds(5)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_a_groups_filter_the_same_user_reaches_nginx_and_at_80_percent_of_the_budget_a_warning_is_audited()
    {
        await using var nginx = await NginxUpstream.StartAsync();
        GiveFourHundredGroups();
        const string someGroups = "^directory-group-0[0-9][0-9]-";
        await fixture.Admin.CreateAsync(App("narrow", nginx, "rewrite: {jwt_claims: {groups_filter: '^team-'}}")
            + "---\n" + App("sized", nginx, $"rewrite: {{jwt_claims: {{groups_filter: '{someGroups}'}}}}, max_header_bytes: 1048576"));
        using var client = new SsoClient(Server);

        var narrow = await client.OpenAppAsync("narrow.localhost", "op", Login);

        using (narrow.Response)
        {
            Assert.Equal(HttpStatusCode.OK, narrow.Response!.StatusCode);
            Assert.Equal(NginxUpstream.Body, narrow.Body);
        }

        Assert.Contains(" 200 ", await nginx.AccessLogContainingAsync(" 200 ", TimeSpan.FromSeconds(5)), StringComparison.Ordinal);
        Assert.DoesNotContain(await fixture.Admin.AuditAsync("app.assertion.oversize_warning"), e => e.GetProperty("app").GetString() == "narrow");

        // An app whose budget the filtered assertion fills to 80 %: forwarded, with a warning.
        var sized = await PreviewAsync("sized");
        var budget = (int)Math.Ceiling(sized.HeaderBytes / 0.8);
        await fixture.Admin.CreateAsync(App("near", nginx, $"rewrite: {{jwt_claims: {{groups_filter: '{someGroups}'}}}}, max_header_bytes: {budget.ToString(CultureInfo.InvariantCulture)}"));
        var near = await client.GoAsync(client.Browser.AppUrl("near.localhost"), Login);

        using (near.Response)
        {
            Assert.Equal(HttpStatusCode.OK, near.Response!.StatusCode);
            Assert.Equal(NginxUpstream.Body, near.Body);
        }

        var warning = Assert.Single(await fixture.Admin.AuditAsync("app.assertion.oversize_warning"), e => e.GetProperty("app").GetString() == "near");
        Assert.Equal(UserName, warning.GetProperty("user").GetString());
        Assert.Equal(80, warning.GetProperty("percent").GetInt32());
        Assert.Equal(budget, warning.GetProperty("max_header_bytes").GetInt32());
        Assert.Equal("traits.groups", warning.GetProperty("largest_claims")[0].GetProperty("claim").GetString());
        Assert.Contains(await fixture.Admin.AuditAsync("app.assertion.issued"), e => e.GetProperty("app").GetString() == "near");
    }

    [Fact]
    public async Task The_filters_keep_only_the_named_traits_the_matching_groups_and_the_matching_roles()
    {
        GiveFourHundredGroups();
        await fixture.Admin.CreateAsync(App("filtered", null, "rewrite: {jwt_claims: {traits: [groups, email], groups_filter: '^team-', roles_filter: '^dev-'}}"));
        using var client = new SsoClient(Server);

        var end = await client.OpenAppAsync("filtered.localhost", "op", Login);

        using (end.Response)
        {
            Assert.Equal(HttpStatusCode.OK, end.Response!.StatusCode);
        }

        var claims = AppAccessTests.Claims(fixture.Upstream.Last);
        Assert.Equal(["dev-apps"], claims.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var traits = claims.GetProperty("traits");
        Assert.Equal(["team-web"], traits.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal([UserName], traits.GetProperty("email").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["email", "groups"], traits.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("'[unclosed'", "groups_filter", "is not a valid regular expression")]
    [InlineData("'(?<'", "roles_filter", "is not a valid regular expression")]
    public async Task A_bad_filter_is_refused_at_write_with_an_error_naming_it_and_nothing_is_created(string pattern, string field, string expected)
    {
        var yaml = App("bad-" + field.Replace('_', '-'), null, $"rewrite: {{jwt_claims: {{{field}: {pattern}}}}}");

        using var response = await fixture.Admin.SendAsync(HttpMethod.Post, "resources", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"jwt_claims.{field}", body, StringComparison.Ordinal);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        using var get = await fixture.Admin.SendAsync(HttpMethod.Get, "resources/app/bad-" + field.Replace('_', '-'));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    private async Task<AssertionReport> PreviewAsync(string app)
    {
        using var response = await fixture.Admin.SendAsync(HttpMethod.Get, $"apps/{app}/assertion?user={Uri.EscapeDataString(UserName)}");
        return await AdminApi.ReadAsync(response, AdminApiJsonContext.Answers.AssertionReport);
    }

    /// <summary>gina: <c>devs</c> (role dev-apps), <c>team-web</c> (role own-apps) and 398 groups of a large directory.</summary>
    private void GiveFourHundredGroups()
    {
        var groups = new List<string> { "devs", "team-web" };
        groups.AddRange(Enumerable.Range(0, 398).Select(i => $"directory-group-{i:D3}-of-a-large-organisation"));
        fixture.SetAccount(Login, new { email = UserName, email_verified = true, groups });
    }

    /// <summary>An app labelled <c>env: dev</c> (open to <c>devs</c>) at <c>NAME.localhost</c>, served by nginx or else the recording upstream.</summary>
    private string App(string name, NginxUpstream? nginx, string extra) => $$$"""
        kind: app
        version: v1
        metadata: {name: {{{name}}}, labels: {env: dev}}
        spec: {uri: "{{{nginx?.Address ?? fixture.Upstream.Address}}}", public_addr: {{{name}}}.localhost, {{{extra}}}}

        """;
}
