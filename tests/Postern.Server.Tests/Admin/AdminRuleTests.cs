using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Postern.Server.Admin;
using Postern.Testing;

namespace Postern.Server.Tests.Admin;

/// <summary>
/// The admin API as people call it with the credential of <c>postern login</c>: every route checks its role rule, the
/// refusal names the rule and is audited, deny wins, and a credential ends with its user's standing and web session.
/// </summary>
public sealed class AdminRuleTests : IAsyncLifetime
{
    internal const string Password = "correct-horse-battery-staple-42";

    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AdminApi _local = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path);
        _local = new AdminApi(_server);
        await _local.AddUserAsync("acc", Password, ["access"]);
        await _local.AddUserAsync("ed", Password, ["editor"]);
        await _local.AddUserAsync("aud", Password, ["auditor"]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_user_with_only_access_is_refused_every_admin_route_with_the_rule_named()
    {
        var token = await LoginAsync("acc");
        var routes = _server.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/v1/admin", StringComparison.Ordinal))
            .ToList();
        var checkedRoutes = 0;
        foreach (var route in routes)
        {
            if (ReferenceEquals(route.Metadata.GetMetadata<AdminRule>(), AdminRule.AnyCaller))
            {
                continue;
            }

            var method = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Single();
            var path = route.RoutePattern.RawText!.Replace("{kind}", "role").Replace("{name}", "someone").Replace("{type}", "jwt");
            using var answer = await SendAsync(token, new HttpMethod(method), path, method is "POST" or "PUT" ? "{}" : null);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)answer.StatusCode} {body}");
            Assert.Contains("role rules allow no", body, StringComparison.Ordinal);
            checkedRoutes++;
        }

        Assert.True(checkedRoutes >= 18, $"only {checkedRoutes} admin routes were found");
        var denied = await _local.AuditAsync("admin.access.denied");
        Assert.Equal(checkedRoutes, denied.Count(e => e.GetProperty("actor").GetProperty("name").GetString() == "acc"));
        Assert.Contains(denied, e => e.GetProperty("reason").GetString() == "role rules allow no `delete` on `user`" && e.GetProperty("path").GetString() == "/v1/admin/users/someone");
    }

    [Fact]
    public async Task An_editor_writes_and_cannot_read_the_audit_log_an_auditor_reads_it_and_cannot_write()
    {
        var editor = await LoginAsync("ed");
        using (var added = await SendAsync(editor, HttpMethod.Post, "/v1/admin/users", """{"name":"carol","roles":["access"]}"""))
        {
            Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        using (var audit = await SendAsync(editor, HttpMethod.Get, "/v1/admin/audit"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
            Assert.Contains("role rules allow no `read` on `audit`", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var auditor = await LoginAsync("aud");
        using (var write = await SendAsync(auditor, HttpMethod.Post, "/v1/admin/users", """{"name":"dave","roles":["access"]}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
            Assert.Contains("role rules allow no `create` on `user`", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var list = await SendAsync(auditor, HttpMethod.Get, "/v1/admin/users"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using var events = await SendAsync(auditor, HttpMethod.Get, "/v1/admin/audit?type=user.create");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var created = (await events.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var carol = Assert.Single(created, e => e.GetProperty("user").GetString() == "carol");
        Assert.Equal("user", carol.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("ed", carol.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal("127.0.0.1", carol.GetProperty("client_addr").GetString());
        Assert.Contains(created, e => e.GetProperty("actor").GetProperty("kind").GetString() == "local-admin" && e.GetProperty("user").GetString() == "ed");
        Assert.Null(_server.Host.Cluster.FindUser("dave"));
    }

    [Fact]
    public async Task A_role_that_allows_create_and_denies_delete_on_app_behaves_so_and_a_deny_beats_an_allow_of_another_role()
    {
        await _local.CreateAsync("""
            kind: role
            version: v1
            metadata: { name: app-maker }
            spec:
              allow: { rules: [{ resources: [app], verbs: [create, read, list] }] }
              deny: { rules: [{ resources: [app], verbs: [delete] }] }
            ---
            kind: role
            version: v1
            metadata: { name: app-admin }
            spec:
              allow: { rules: [{ resources: [app], verbs: ["*"] }] }
            """);
        await _local.AddUserAsync("maker", Password, ["app-maker"]);
        await _local.AddUserAsync("both", Password, ["app-maker", "app-admin"]);
        await _local.AddUserAsync("admin2", Password, ["app-admin"]);
        var app = "kind: app\nversion: v1\nmetadata: { name: web }\nspec: { uri: 'http://127.0.0.1:9', public_addr: 'web.localhost:443' }\n";

        var maker = await LoginAsync("maker");
        using (var created = await SendAsync(maker, HttpMethod.Post, "/v1/admin/resources", app, "application/yaml"))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        using (var replaced = await SendAsync(maker, HttpMethod.Post, "/v1/admin/resources", app, "application/yaml"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, replaced.StatusCode);
            Assert.Contains("app 'web': role rules allow no `update` on `app`", await replaced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var role = await SendAsync(maker, HttpMethod.Post, "/v1/admin/resources", "kind: role\nversion: v1\nmetadata: { name: sneaky }\nspec: {}\n", "application/yaml"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, role.StatusCode);
        }

        foreach (var name in new[] { "maker", "both" })
        {
            using var removed = await SendAsync(await LoginAsync(name), HttpMethod.Delete, "/v1/admin/resources/app/web");
            Assert.Equal(HttpStatusCode.Forbidden, removed.StatusCode);
            Assert.Contains("role 'app-maker' denies `delete` on `app`", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.NotNull(_server.Host.Cluster.FindApp("web"));
        Assert.Null(_server.Host.Cluster.FindRole("sneaky"));
        using var byAdmin = await SendAsync(await LoginAsync("admin2"), HttpMethod.Delete, "/v1/admin/resources/app/web");
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
    }

    [Fact]
    public async Task A_credential_ends_with_a_lock_a_removal_or_a_logout_and_a_web_cookie_alone_is_never_an_admin_credential()
    {
        var locked = await LoginAsync("ed");
        using (var before = await SendAsync(locked, HttpMethod.Get, "/v1/admin/whoami"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            var caller = JsonDocument.Parse(await before.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("ed", caller.GetProperty("name").GetString());
            Assert.Equal("editor", caller.GetProperty("roles")[0].GetString());
        }

        using (var locking = await _local.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "user/ed" })))
        {
            Assert.Equal(HttpStatusCode.Created, locking.StatusCode);
        }

        await AssertRefusedAsync(locked);
        using (var unlocking = await _local.SendAsync(HttpMethod.Delete, "locks/user/ed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlocking.StatusCode);
        }

        // The lock ended its sessions: the credential stays dead after the unlock.
        await AssertRefusedAsync(locked);

        var removed = await LoginAsync("aud");
        using (var removing = await _local.SendAsync(HttpMethod.Delete, "users/aud"))
        {
            Assert.Equal(HttpStatusCode.OK, removing.StatusCode);
        }

        await AssertRefusedAsync(removed);

        var loggedOut = await LoginAsync("ed");
        using (var logout = await SendAsync(loggedOut, HttpMethod.Post, "/v1/client/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await AssertRefusedAsync(loggedOut);
        var logouts = await _local.AuditAsync("user.logout");
        Assert.Contains(logouts, e => e.GetProperty("actor").GetProperty("name").GetString() == "ed" && e.GetProperty("method").GetString() == "client");
        var unlocks = await _local.AuditAsync("lock.delete");
        Assert.Contains(unlocks, e => e.GetProperty("target").GetString() == "user/ed" && e.GetProperty("actor").GetProperty("kind").GetString() == "local-admin");

        // A browser's cookie of the same user, without the bearer credential: the admin API does not read cookies.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(_server.BaseUrl) };
        using (var signIn = await browser.PostAsJsonAsync("/v1/login", new { username = "ed", password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }

        Assert.NotEmpty(handler.CookieContainer.GetCookies(new Uri(_server.BaseUrl)));
        using var withCookie = await browser.GetAsync("/v1/admin/users");
        Assert.Equal(HttpStatusCode.Unauthorized, withCookie.StatusCode);
    }

    private async Task AssertRefusedAsync(string token)
    {
        using var answer = await SendAsync(token, HttpMethod.Get, "/v1/admin/users");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    private async Task<string> LoginAsync(string user)
    {
        using var answer = await _server.Http.PostAsJsonAsync(_server.BaseUrl + "/v1/client/login", new { username = user, password = Password });
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, body);
        Assert.False(answer.Headers.Contains("Set-Cookie"), "the client login set a cookie");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(string token, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, _server.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        return await _server.Http.SendAsync(request);
    }
}
