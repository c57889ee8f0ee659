using Postern.Identity;
using Postern.Resources;
using Postern.Server.State;
using Postern.Storage;
using Postern.Storage.Sqlite;
using Postern.Testing;

namespace Postern.Server.Tests.State;

/// <summary>The preset roles on a fresh store and on a store seeded by an older version.</summary>
public sealed class PresetRoleSeederTests : IAsyncLifetime
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Everything = new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["*"] };

    /// <summary><c>access</c> as versions before issue 20 seeded it: every app and every workload identity.</summary>
    private static readonly Role OldAccess = new()
    {
        Name = "access",
        Allow = new RoleConditions { AppLabels = Everything, Logins = ["{{internal.logins}}"], WorkloadIdentityLabels = Everything },
    };

    private readonly TempDir _dir = new();
    private SqliteBackend _store = null!;

    public async Task InitializeAsync() =>
        _store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _dir.File("postern.db") }, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_fresh_store_gets_an_access_role_that_grants_no_workload_identity()
    {
        await PresetRoleSeeder.SeedAsync(_store, CancellationToken.None);

        var access = await AccessAsync();
        Assert.Empty(access.Allow.WorkloadIdentityLabels);
        Assert.False(AccessChecker.Create(new User { Name = "alice" }, [access]).CheckWorkloadIdentity("billing", new Dictionary<string, string> { ["team"] = "billing" }).Allowed);
        Assert.Equal(Everything.Keys, access.Allow.AppLabels.Keys);
    }

    [Fact]
    public async Task An_access_role_seeded_by_an_older_version_and_left_unchanged_stops_granting_workload_identities()
    {
        await SeedLikeAnOlderVersionAsync(OldAccess);

        await PresetRoleSeeder.SeedAsync(_store, CancellationToken.None);

        var access = await AccessAsync();
        Assert.Empty(access.Allow.WorkloadIdentityLabels);
        Assert.Equal(["{{internal.logins}}"], access.Allow.Logins);
    }

    [Fact]
    public async Task An_access_role_the_operator_changed_is_left_as_it_is()
    {
        var changed = OldAccess with { Allow = OldAccess.Allow with { Logins = ["{{internal.logins}}", "deploy"] } };
        await SeedLikeAnOlderVersionAsync(changed);

        await PresetRoleSeeder.SeedAsync(_store, CancellationToken.None);

        var access = await AccessAsync();
        Assert.Equal(Everything.Keys, access.Allow.WorkloadIdentityLabels.Keys);
        Assert.Equal(["{{internal.logins}}", "deploy"], access.Allow.Logins);
    }

    [Fact]
    public async Task Editor_and_auditor_seeded_before_admin_rules_get_rules_over_the_admin_resources()
    {
        var oldEditor = new Role { Name = "editor", Allow = new RoleConditions { Rules = [new ResourceRule { Resources = ["role", "app", "user", "workload_identity", "bot", "lock", "cert_authority"], Verbs = ["*"] }] } };
        var oldAuditor = new Role { Name = "auditor", Allow = new RoleConditions { Rules = [new ResourceRule { Resources = ["event", "session"], Verbs = ["list", "read"] }] } };
        await SeedLikeAnOlderVersionAsync(OldAccess);
        foreach (var role in new[] { oldEditor, oldAuditor })
        {
            await _store.PutAsync(ResourceJson.StoreKey(ResourceKinds.Role, role.Name), ResourceJson.Serialize(RoleResource.Of(role)), null, CancellationToken.None);
        }

        Assert.Equal(["access", "editor", "auditor"], await PresetRoleSeeder.SeedAsync(_store, CancellationToken.None));

        var editor = AccessChecker.Create(new User { Name = "ed" }, [await RoleAsync("editor")]);
        Assert.True(editor.Can("oidc_connector", "delete"));
        Assert.True(editor.Can("authority", "update"));
        Assert.False(editor.Can("audit", "read"));
        var auditor = AccessChecker.Create(new User { Name = "aud" }, [await RoleAsync("auditor")]);
        Assert.True(auditor.Can("audit", "read"));
        Assert.True(auditor.Can("lock", "list"));
        Assert.False(auditor.Can("user", "create"));
    }

    private async Task SeedLikeAnOlderVersionAsync(Role access)
    {
        await _store.PutAsync(ResourceJson.StoreKey(ResourceKinds.Role, "access"), ResourceJson.Serialize(RoleResource.Of(access)), null, CancellationToken.None);
        await _store.PutAsync("/cluster/preset_roles_seeded", "1"u8.ToArray(), null, CancellationToken.None);
    }

    private Task<Role> AccessAsync() => RoleAsync("access");

    private async Task<Role> RoleAsync(string name)
    {
        var item = await _store.GetAsync(ResourceJson.StoreKey(ResourceKinds.Role, name), CancellationToken.None);
        Assert.NotNull(item);
        return Assert.IsType<RoleResource>(ResourceJson.Deserialize(ResourceKinds.Role, item.Value.Span)).Role;
    }
}
