using System.Text;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;

namespace Postern.Core.Tests.Resources;

public sealed class ResourceTests
{
    private const string Documents = """
        kind: role
        version: v1
        metadata: { name: dev-apps, labels: { team: web } }
        spec:
          allow:
            app_labels: { env: [dev, staging], tier: web }
            logins: ["{{internal.logins}}"]
            rules: [{ resources: [app], verbs: [list, read] }]
          deny:
            app_labels: { env: prod }
        ---
        kind: app
        version: v1
        metadata: { name: whoami, labels: { env: dev } }
        spec:
          uri: http://127.0.0.1:8081
          public_addr: whoami.localhost:3080
          rewrite:
            headers: ["Authorization: Bearer {{internal.jwt}}"]
            jwt_claims: roles
            redirect: [127.0.0.1]
        ---
        kind: user
        version: v1
        metadata: { name: alice }
        spec:
          roles: [dev-apps]
          traits: { logins: [alice, ubuntu], team: web }
        """;

    [Fact]
    public void Every_kind_is_read_from_one_file()
    {
        var result = ResourceYaml.Parse(Documents, "walkthrough.yaml");
        Assert.Empty(result.Errors);
        Assert.Equal(["role", "app", "user"], result.Resources.Select(r => r.Kind));

        var role = Assert.IsType<RoleResource>(result.Resources[0]).Role;
        Assert.Equal(["dev", "staging"], role.Allow.AppLabels["env"]);
        Assert.Equal(["web"], role.Allow.AppLabels["tier"]);
        Assert.Equal(["prod"], role.Deny.AppLabels["env"]);
        Assert.Equal("web", role.Labels["team"]);

        var app = Assert.IsType<AppResource>(result.Resources[1]).App;
        Assert.Equal("http://127.0.0.1:8081", app.Uri.OriginalString);
        Assert.Equal("dev", app.Labels["env"]);
        Assert.Equal(JwtClaimsMode.Roles, app.Rewrite.JwtClaims);
        Assert.Equal("Authorization", Assert.Single(app.Rewrite.HeaderRules).Name);

        var user = Assert.IsType<UserResource>(result.Resources[2]).User;
        Assert.Equal(["alice", "ubuntu"], user.Traits["logins"]);
        Assert.Equal(["web"], user.Traits["team"]);
    }

    [Fact]
    public void Rendered_yaml_reads_back_the_same()
    {
        foreach (var resource in ResourceYaml.Parse(Documents, "walkthrough.yaml").Resources)
        {
            var yaml = ResourceYaml.Render(resource);
            var back = ResourceYaml.Parse(yaml, "rendered");
            Assert.Empty(back.Errors);
            Assert.Equal(ResourceYaml.Render(Assert.Single(back.Resources)), yaml);
        }
    }

    [Fact]
    public void The_stored_json_keeps_a_users_secrets_and_the_exact_app_uri()
    {
        var user = new User
        {
            Name = "alice",
            Roles = ["access"],
            Traits = new Dictionary<string, IReadOnlyList<string>> { ["logins"] = ["alice"] },
            PasswordHash = "$pbkdf2-sha256$i=1$c2FsdA==$aGFzaA==",
            TotpSecret = SealedTotpSecret.Seal(KeyEncryptionKey.Generate(), "alice", "JBSWY3DPEHPK3PXP"),
            RecoveryCodeHashes = [RecoveryCodes.Hash("AAAA-BBBB-CCCC-DDDD")],
            RequireTotp = true,
            CreatedAt = new DateTimeOffset(2026, 11, 23, 1, 2, 3, TimeSpan.Zero),
        };
        var stored = Assert.IsType<UserResource>(ResourceJson.Deserialize("user", ResourceJson.Serialize(UserResource.Of(user)))).User;
        Assert.Equal(user.PasswordHash, stored.PasswordHash);
        Assert.Equal(user.TotpSecret, stored.TotpSecret);
        Assert.Null(stored.LegacyTotpSecret);
        Assert.Equal(user.RecoveryCodeHashes, stored.RecoveryCodeHashes);
        Assert.True(stored.RequireTotp);
        Assert.Equal(user.CreatedAt, stored.CreatedAt);
        Assert.Equal(["alice"], stored.Traits["logins"]);
        var yaml = ResourceYaml.Render(UserResource.Of(user));
        Assert.DoesNotContain("pbkdf2", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(user.TotpSecret.Ciphertext, yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("totp_secret", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("recovery_codes", yaml, StringComparison.Ordinal);
        Assert.Contains("require_totp: true", yaml, StringComparison.Ordinal);

        var app = new AppConfig { Name = "whoami", Uri = new Uri("http://127.0.0.1:8081"), PublicAddr = "whoami.localhost" };
        var storedApp = Assert.IsType<AppResource>(ResourceJson.Deserialize("app", ResourceJson.Serialize(AppResource.Of(app)))).App;
        Assert.Equal("http://127.0.0.1:8081", storedApp.Uri.OriginalString);

        var role = Assert.IsType<RoleResource>(ResourceJson.Deserialize("role", ResourceJson.Serialize(RoleResource.Of(PresetRoles.Access)))).Role;
        Assert.Equal(["{{internal.logins}}"], role.Allow.Logins);
    }

    [Fact]
    public void An_apps_claim_filters_header_budget_and_doctor_permission_survive_the_store_and_yaml()
    {
        var parsed = ResourceYaml.Parse("""
            kind: app
            version: v1
            metadata: { name: grafana }
            spec:
              uri: http://127.0.0.1:3000
              public_addr: grafana.localhost
              max_header_bytes: 16384
              doctor: { allow: true }
              rewrite:
                jwt_claims: { include: traits, traits: [groups, email], groups_filter: "^team-", roles_filter: "^graf" }
            """, "app.yaml");
        Assert.Empty(parsed.Errors);
        var app = Assert.IsType<AppResource>(Assert.Single(parsed.Resources));

        var stored = Assert.IsType<AppResource>(ResourceJson.Deserialize("app", ResourceJson.Serialize(app))).App;
        var rendered = Assert.IsType<AppResource>(Assert.Single(ResourceYaml.Parse(ResourceYaml.Render(app), "rendered").Resources)).App;

        foreach (var back in (AppConfig[])[stored, rendered])
        {
            Assert.Equal(16384, back.MaxHeaderBytes);
            Assert.True(back.DoctorAllowed);
            Assert.Equal(JwtClaimsMode.Traits, back.Rewrite.JwtClaims);
            Assert.Equal(["groups", "email"], back.Rewrite.ClaimFilters.Traits);
            Assert.Equal("^team-", back.Rewrite.ClaimFilters.GroupsFilter!.ToString());
            Assert.Equal("^graf", back.Rewrite.ClaimFilters.RolesFilter!.ToString());
        }

        var plain = new AppConfig { Name = "plain", Uri = new Uri("http://127.0.0.1:1"), PublicAddr = "plain.localhost" };
        var yaml = ResourceYaml.Render(AppResource.Of(plain));
        Assert.DoesNotContain("max_header_bytes", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("jwt_claims", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("doctor", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_or_mismatched_store_data_reads_as_nothing()
    {
        Assert.Null(ResourceJson.Deserialize("user", "not json"u8));
        Assert.Null(ResourceJson.Deserialize("user", ResourceJson.Serialize(RoleResource.Of(PresetRoles.Access))));
        Assert.Null(ResourceJson.Deserialize("role", Encoding.UTF8.GetBytes("""{"kind":"role","version":"v1","metadata":{"name":"x"},"spec":{"allow":{"app_labels":7}}}""")));
        Assert.Equal("/roles/dev", ResourceJson.StoreKey("role", "dev"));
        Assert.Throws<ArgumentException>(() => ResourceJson.Prefix("widget"));
    }

    [Theory]
    [InlineData("kind: widget\nversion: v1\nmetadata: { name: a }", "r.yaml: kind: unknown kind 'widget' (expected one of: role, app, user, workload_identity, bot, oidc, trust_domain_federation)")]
    [InlineData("kind: role\nversion: v2\nmetadata: { name: a }", "r.yaml: version: unsupported version 'v2' (expected v1)")]
    [InlineData("kind: role\nversion: v1\nmetadata: {}", "r.yaml: metadata.name: required")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { allow: { app_labels: [x] } }", "r.yaml: spec.allow.app_labels: expected a mapping")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { allow: { logins: ['{{internal.logins'] } }", "r.yaml: spec.allow.logins[0]: unclosed '{{'")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { allow: { colour: blue } }", "r.yaml: spec.allow.colour: unknown field")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { allow: { rules: [{ resources: [event], verbs: [read] }] } }", "r.yaml: spec.allow.rules[0]: resources: 'event' is not a resource (expected one of user, role, app, workload_identity, bot, lock, oidc_connector, authority, audit, trust_domain_federation, doctor, or *)")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { deny: { rules: [{ resources: [user], verbs: [remove] }] } }", "r.yaml: spec.deny.rules[0]: verbs: 'remove' is not a verb (expected one of list, read, create, update, delete, or *)")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\nspec: { allow: { rules: [{ resources: [user] }] } }", "r.yaml: spec.allow.rules[0]: verbs: name at least one of")]
    [InlineData("kind: app\nversion: v1\nmetadata: { name: a }\nspec: { uri: 'ftp://x', public_addr: a.localhost }", "r.yaml: spec.uri: 'ftp://x' is not an absolute http:// or https:// URI")]
    [InlineData("kind: app\nversion: v1\nmetadata: { name: a }\nspec: { uri: 'http://x', public_addr: a.localhost, rewrite: { headers: ['X-A: {{bad'] } }", "r.yaml: spec.rewrite.headers[0]: app 'a': bad template in 'X-A: {{bad'")]
    [InlineData("kind: user\nversion: v1\nmetadata: { name: alice }\nspec: { roles: [access], password_hash: x }", "r.yaml: spec.password_hash: unknown field")]
    [InlineData("kind: user\nversion: v1\nmetadata: { name: Alice! }\nspec: {}", "r.yaml: metadata.name: 'Alice!' is not a valid user name")]
    [InlineData("kind: [", "r.yaml: not valid YAML at line")]
    [InlineData("", "r.yaml: holds no resource")]
    public void Bad_documents_are_refused_naming_the_source_and_path(string yaml, string expected)
    {
        var result = ResourceYaml.Parse(yaml, "r.yaml");
        Assert.Empty(result.Resources);
        Assert.Contains(result.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    // Text on which YamlDotNet throws InvalidOperationException or ArgumentException rather than a YamlException
    // (found by fuzzing; fuzz/regressions/resource-yaml): refused like any other broken YAML.
    [Theory]
    [InlineData(": {\n0")]
    [InlineData("? :")]
    [InlineData("...\0")]
    [InlineData("!![")]
    [InlineData("kind: role\nversion: v1\nmetadata: { name: a }\n---\n\0: <")]
    public void Yaml_the_reader_itself_trips_on_is_refused_as_not_valid_yaml(string yaml)
    {
        var result = ResourceYaml.Parse(yaml, "r.yaml");

        Assert.Empty(result.Resources);
        Assert.StartsWith("r.yaml: not valid YAML ", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_name_the_document_when_there_are_several()
    {
        var result = ResourceYaml.Parse("kind: role\nversion: v1\nmetadata: { name: a }\n---\nkind: role\nversion: v1\nmetadata: { name: 'b c' }\n", "roles.yaml");
        Assert.Single(result.Resources);
        Assert.Contains(result.Errors, e => e.StartsWith("roles.yaml (document 2): metadata.name:", StringComparison.Ordinal));
    }
}
