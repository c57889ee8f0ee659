using Postern.Identity;
using Postern.Resources;
using Postern.Storage;

namespace Postern.Server.Users;

/// <summary>Reads and writes user records in the store, with their revisions for conditional updates.</summary>
internal sealed class UserDirectory(IBackend store)
{
    public async Task<(User User, long Revision)?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(ResourceJson.StoreKey("user", name), cancellationToken).ConfigureAwait(false);
        return item is not null && ResourceJson.Deserialize("user", item.Value.Span) is UserResource resource ? (resource.User, item.Revision) : null;
    }

    /// <summary>Writes <paramref name="user"/> if the stored record is still at <paramref name="expectedRevision"/> (<see cref="Revision.Absent"/>: a new user).</summary>
    public Task<WriteResult> WriteAsync(User user, long expectedRevision, CancellationToken cancellationToken) =>
        store.CompareAndSwapAsync(ResourceJson.StoreKey("user", user.Name), expectedRevision, ResourceJson.Serialize(UserResource.Of(user)), null, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        store.DeleteAsync(ResourceJson.StoreKey("user", name), cancellationToken);
}
