using Postern.Identity;
using Postern.Resources;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// Writes the preset roles (<c>access</c>, <c>editor</c>, <c>auditor</c>) on first start. A preset role
/// that an operator has changed or removed is left as it is.
/// </summary>
internal static class PresetRoleSeeder
{
    private const string SeededKey = "/cluster/preset_roles_seeded";

    public static async Task SeedAsync(IBackend store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(SeededKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        foreach (var role in PresetRoles.All)
        {
            await store.CompareAndSwapAsync(ResourceJson.StoreKey("role", role.Name), Revision.Absent, ResourceJson.Serialize(RoleResource.Of(role)), null, cancellationToken).ConfigureAwait(false);
        }

        await store.CompareAndSwapAsync(SeededKey, Revision.Absent, "1"u8.ToArray(), null, cancellationToken).ConfigureAwait(false);
    }
}
