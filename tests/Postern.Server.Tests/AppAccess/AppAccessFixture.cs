using Microsoft.Extensions.Time.Testing;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// One Postern with three apps in front of one recording upstream, a fake clock that tests may move,
/// and users: alice (every app), bob (only env=dev apps), carol (every app, but denied env=prod).
/// </summary>
public sealed class AppAccessFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    private readonly TempDir _dir = new();

    internal TestPostern Server { get; private set; } = null!;

    internal Upstream Upstream { get; private set; } = null!;

    internal AdminApi Admin { get; private set; } = null!;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        Upstream = await Upstream.StartAsync();
        Server = await TestPostern.StartAsync(_dir.Path, $"""
            apps:
              - name: whoami
                uri: {Upstream.Address}
                public_addr: whoami.localhost
                labels: {"{"}env: dev{"}"}
                rewrite:
                  headers:
                    - "Authorization: Bearer {"{{"}internal.jwt{"}}"}"
                    - "X-Logins: {"{{"}internal.logins{"}}"}"
                    - "X-Team: team-{"{{"}external.team{"}}"}"
                    - "X-Missing: {"{{"}internal.nothing{"}}"}"
                  redirect: ["127.0.0.1"]
              - name: bare
                uri: {Upstream.Address}
                public_addr: bare.localhost
                labels: {"{"}env: dev{"}"}
                rewrite: {"{"}jwt_claims: none{"}"}
              - name: prod
                uri: {Upstream.Address}
                public_addr: prod.localhost
                labels: {"{"}env: prod{"}"}
            """, time: Time);
        Admin = new AdminApi(Server);
        await Admin.CreateAsync("""
            kind: role
            version: v1
            metadata: {name: dev-only}
            spec:
              allow:
                app_labels: {env: [dev]}
            ---
            kind: role
            version: v1
            metadata: {name: no-prod}
            spec:
              deny:
                app_labels: {env: [prod]}
            """);
        await Admin.AddUserAsync("alice", Password, ["access"], new() { ["logins"] = ["alice", "root"], ["team"] = ["web", "ops"] });
        await Admin.AddUserAsync("bob", Password, ["dev-only"]);
        await Admin.AddUserAsync("carol", Password, ["access", "no-prod"]);
    }

    /// <summary>A browser signed in as <paramref name="user"/>.</summary>
    internal async Task<Browser> SignedInAsync(string user)
    {
        var browser = new Browser(Server);
        using var response = await browser.LoginAsync(user, Password);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return browser;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
        _dir.Dispose();
    }
}
