using Postern.Identity;
using Postern.Resources;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// Writes the preset roles (<c>access</c>, <c>editor</c>, <c>auditor</c>) on first start. A preset role
/// that an operator has changed or removed is left as it is. A preset role that an earlier version seeded and nobody
/// changed since is replaced by its current definition (<see cref="PresetRoles.Superseded"/>), on every start.
/// </summary>
internal static class PresetRoleSeeder
{
    private const string SeededKey = "/cluster/preset_roles_seeded";

    /// <summary>Seeds or upgrades the preset roles; returns the names of those upgraded.</summary>
    public static async Task<IReadOnlyList<string>> SeedAsync(IBackend store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(SeededKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return await UpgradeAsync(store, cancellationToken).ConfigureAwait(false);
        }

        foreach (var role in PresetRoles.All)
        {
            await store.CompareAndSwapAsync(ResourceJson.StoreKey("role", role.Name), Revision.Absent, ResourceJson.Serialize(RoleResource.Of(role)), null, cancellationToken).ConfigureAwait(false);
        }

        await store.CompareAndSwapAsync(SeededKey, Revision.Absent, "1"u8.ToArray(), null, cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>
    /// Replaces each superseded preset role that is stored exactly as an earlier version wrote it (compared as the
    /// resource writer renders it, so formatting does not matter). A change made meanwhile wins: the write is conditional.
    /// </summary>
    private static async Task<IReadOnlyList<string>> UpgradeAsync(IBackend store, CancellationToken cancellationToken)
    {
        var upgraded = new List<string>();
        foreach (var (earlier, current) in PresetRoles.Superseded)
        {
            var key = ResourceJson.StoreKey(ResourceKinds.Role, earlier.Name);
            if (await store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } item
                || ResourceJson.Deserialize(ResourceKinds.Role, item.Value.Span) is not RoleResource stored
                || !ResourceJson.Serialize(stored).AsSpan().SequenceEqual(ResourceJson.Serialize(RoleResource.Of(earlier))))
            {
                continue;
            }

            var write = await store.CompareAndSwapAsync(key, item.Revision, ResourceJson.Serialize(RoleResource.Of(current)), null, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                upgraded.Add(current.Name);
            }
        }

        return upgraded;
    }
}
