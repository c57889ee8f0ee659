using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// One Postern in front of one recording upstream, a real OpenID Provider (the <c>oidc-provider</c> package) with
/// accounts whose groups the tests may change, and connectors added at runtime with <c>create -f</c>: <c>op</c> (the
/// real provider), <c>wrong-aud</c> and <c>expired</c> (a fake provider that signs ID tokens it gets wrong on purpose)
/// and <c>gone</c> (nothing listens at its issuer). The real provider also admits the callback of <c>closed</c>, a
/// second connector a test may add.
/// </summary>
public sealed class SsoFixture : IAsyncLifetime
{
    public const string SecretVariable = "POSTERN_TEST_OIDC_SECRET";
    public const string ClientSecret = "a client secret that must never be echoed";
    private readonly TempDir _dir = new();
    private readonly List<NodeService> _providers = [];

    internal TestPostern Server { get; private set; } = null!;

    internal Upstream Upstream { get; private set; } = null!;

    internal AdminApi Admin { get; private set; } = null!;

    internal NodeService Provider { get; private set; } = null!;

    private string AccountsFile => Path.Combine(_dir.Path, "accounts.json");

    public async Task InitializeAsync()
    {
        Upstream = await Upstream.StartAsync();
        Server = await TestPostern.StartAsync(Path.Combine(_dir.Path, "data"), $$$"""
            apps:
              - name: whoami
                uri: {{{Upstream.Address}}}
                public_addr: whoami.localhost
                labels: {env: dev}
                rewrite:
                  headers:
                    - "X-Email: {{external.email}}"
                    - "X-Groups: {{external.groups}}"
                    - "X-Internal-Groups: {{internal.groups}}"
              - name: prod
                uri: {{{Upstream.Address}}}
                public_addr: prod.localhost
                labels: {env: prod}
              - name: own
                uri: {{{Upstream.Address}}}
                public_addr: own.localhost
                labels: {owner: alice}
            """, environment: name => name == SecretVariable ? ClientSecret : null);
        Admin = new AdminApi(Server);
        await Admin.CreateAsync("""
            kind: role
            version: v1
            metadata: {name: dev-apps}
            spec: {allow: {app_labels: {env: [dev]}}}
            ---
            kind: role
            version: v1
            metadata: {name: prod-apps}
            spec: {allow: {app_labels: {env: [prod]}}}
            ---
            kind: role
            version: v1
            metadata: {name: own-apps}
            spec: {allow: {app_labels: {owner: ["{{email.local(external.email)}}"]}}}
            """);

        SetAccounts(new()
        {
            ["alice"] = new { email = "alice@example.com", email_verified = true, groups = new[] { "devs", "admins", "team-web" }, name = "Alice" },
            ["bob"] = new { email = "bob@example.com", email_verified = true, groups = new[] { "devs", "team-ops" } },
            ["carl"] = new { email = "carl@example.com", email_verified = true, groups = new[] { "devs", "admins" } },
            ["dora"] = new { email = "dora@example.com", email_verified = true, groups = new[] { "devs", "admins" } },
            ["erin"] = new { email = "erin@example.com", email_verified = true, groups = new[] { "devs" } },
            ["nora"] = new { email = "nora@example.com", email_verified = true, groups = new[] { "visitors" } },
            ["olga"] = new { email = "olga@example.com", email_verified = true, groups = new[] { "auditors" } },
            ["pia"] = new { email = "pia@example.com", email_verified = true, groups = new[] { "devs" } },
        });
        Provider = await StartProviderAsync("oidc-provider.mjs", new
        {
            clientId = "postern",
            clientSecret = ClientSecret,
            redirectUris = new[] { "op", "closed" }.Select(c => Server.BaseUrl + $"/v1/sso/oidc/{c}/callback"),
            accountsFile = AccountsFile,
        });
        var wrongAudience = await StartProviderAsync("fake-oidc-provider.mjs", new { aud = "someone-else" });
        var expired = await StartProviderAsync("fake-oidc-provider.mjs", new { expiredBy = 3600 });

        // Added while Postern runs, as an operator would with `postern create -f`.
        await Admin.CreateAsync(Connector("op", Provider.Issuer, "scopes: [openid, email, groups, profile]", "display: Test Provider")
            + "---\n" + Connector("wrong-aud", wrongAudience.Issuer)
            + "---\n" + Connector("expired", expired.Issuer)
            + "---\n" + Connector("gone", $"http://127.0.0.1:{FreePort.Next()}"));
    }

    /// <summary>An <c>oidc</c> connector resource for <paramref name="issuer"/>, the secret in <see cref="SecretVariable"/>.</summary>
    internal static string Connector(string name, string issuer, params string[] extra) => $$"""
        kind: oidc
        version: v1
        metadata: {name: {{name}}}
        spec:
          issuer_url: {{issuer}}
          client_id: postern
          client_secret: {env: {{SecretVariable}}}
          insecure_allow_http: true
          claims_to_roles:
            - {claim: groups, value: devs, roles: [dev-apps]}
            - {claim: groups, value: admins, roles: [prod-apps]}
            - {claim: groups, value: "team-*", roles: [own-apps]}
            - {claim: groups, value: auditors, roles: [auditor]}
        {{string.Join("\n", extra.Select(e => "  " + e))}}

        """;

    /// <summary>Replaces the provider's accounts: login → claims.</summary>
    internal void SetAccounts(Dictionary<string, object> accounts) => File.WriteAllText(AccountsFile, JsonSerializer.Serialize(accounts));

    /// <summary>Changes the claims of one account at the provider.</summary>
    internal void SetAccount(string login, object claims)
    {
        var accounts = JsonSerializer.Deserialize<Dictionary<string, object>>(File.ReadAllText(AccountsFile))!;
        accounts[login] = claims;
        SetAccounts(accounts);
    }

    private async Task<NodeService> StartProviderAsync(string script, object options)
    {
        var provider = await NodeService.StartAsync(script, options);
        _providers.Add(provider);
        return provider;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
        _dir.Dispose();
    }
}
