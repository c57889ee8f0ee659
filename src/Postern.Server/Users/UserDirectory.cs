using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.Sessions;
using Postern.Server.State;
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

    /// <summary>Writes <paramref name="user"/> as <see cref="WriteAsync"/> does, with its audit event in the same transaction.</summary>
    public Task<WriteResult> WriteAsync(User user, long expectedRevision, AuditedWrites writes, string type, JsonObject fields, AuditActor actor, CancellationToken cancellationToken) =>
        WriteAsync(user, expectedRevision, writes, type, fields, actor, [], cancellationToken);

    /// <summary>As the other audited <c>WriteAsync</c>, with <paramref name="alongside"/> (e.g. a sign-up link) in the same transaction.</summary>
    public Task<WriteResult> WriteAsync(User user, long expectedRevision, AuditedWrites writes, string type, JsonObject fields, AuditActor actor, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken) =>
        writes.PutAsync(ResourceJson.StoreKey("user", user.Name), expectedRevision, ResourceJson.Serialize(UserResource.Of(user)), null, type, fields, actor, alongside, cancellationToken);

    /// <summary>
    /// Deletes the user named <paramref name="name"/> with its audit event (one transaction, see <see cref="AuditedWrites"/>) and the
    /// sign-up links made for them; <c>false</c> when there was none.
    /// </summary>
    public async Task<bool> DeleteAsync(string name, AuditedWrites writes, JsonObject fields, AuditActor actor, CancellationToken cancellationToken)
    {
        if (!await writes.DeleteAsync(ResourceJson.StoreKey("user", name), AuditEventTypes.UserDelete, fields, actor, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await ForgetSignupLinksAsync(name, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task ForgetSignupLinksAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var item in await store.RangeAsync(SessionKeys.SignupPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<SignupToken>(item.Value) is { } signup && signup.User == name)
            {
                await store.CompareAndDeleteAsync(item.Key, item.Revision, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The user a sign-up link was made for, if they still exist: the same name, created at the same moment.</summary>
    public async Task<(User User, long Revision)?> GetAsync(SignupToken signup, CancellationToken cancellationToken) =>
        await GetAsync(signup.User, cancellationToken).ConfigureAwait(false) is { } found && found.User.CreatedAt == signup.UserCreated ? found : null;
}
