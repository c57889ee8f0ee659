using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Storage;

namespace Postern.Server.Users;

/// <summary>
/// Adding, changing and removing users, by the rules of <see cref="UserRules"/>. Removing a user ends its sessions on
/// every instance. Every change waits until this instance's state has seen it.
/// </summary>
internal sealed class UserService(UserDirectory users, ClusterState cluster, SessionStore sessions, AppSessions appSessions, IBackend store, AuditedWrites writes, WebSettings settings, TimeProvider time)
{
    /// <summary>How long a sign-up link printed by <c>users add</c> stays valid.</summary>
    public static readonly TimeSpan SignupLifetime = TimeSpan.FromHours(1);

    /// <summary>Adds a user; without a password, with a one-time sign-up link for the user to set one.</summary>
    public async Task<ChangeResult<Added>> AddAsync(string? name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, string? password, bool requireTotp, AuditActor actor, CancellationToken cancellationToken)
    {
        var problems = UserRules.Check(name, roles, traits, cluster).ToList();
        if (password is not null && Passwords.CheckStrength(password) is { } weak)
        {
            problems.Add($"password: {weak}");
        }

        if (problems.Count > 0)
        {
            return ChangeResult<Added>.Refused(StatusCodes.Status400BadRequest, $"cannot add user '{name}'", problems);
        }

        var user = new User
        {
            Name = name!,
            Roles = roles!,
            RequireTotp = requireTotp,
            Traits = traits ?? new Dictionary<string, IReadOnlyList<string>>(),
            PasswordHash = password is null ? null : Passwords.Hash(password),
            CreatedAt = time.GetUtcNow(),
        };
        // Without a password, the sign-up link is written in the user's transaction: a user is never left without a way in.
        string? signupUrl = null;
        DateTimeOffset? signupExpires = null;
        List<BatchPut> alongside = [];
        if (password is null)
        {
            var token = SessionKeys.NewToken();
            signupExpires = time.GetUtcNow() + SignupLifetime;
            alongside.Add(new BatchPut(SessionKeys.SignupPrefix + SessionKeys.Hash(token), StoreJson.Serialize(new SignupToken(user.Name, user.CreatedAt, signupExpires.Value)), signupExpires));
            signupUrl = settings.PublicAddr.Combine("/web/signup?token=" + token);
        }

        var write = await users.WriteAsync(user, Revision.Absent, writes, AuditEventTypes.UserCreate, Describe(user), actor, alongside, cancellationToken).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            return ChangeResult<Added>.Refused(StatusCodes.Status409Conflict, $"user '{user.Name}' already exists");
        }

        await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
        return ChangeResult<Added>.Done(new Added(user.Name, signupUrl, signupExpires));
    }

    /// <summary>Replaces the roles and traits given, keeping the others.</summary>
    public async Task<ChangeResult<User>> UpdateAsync(string name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, bool? requireTotp, AuditActor actor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return ChangeResult<User>.Refused(StatusCodes.Status404NotFound, $"user '{name}' not found");
            }

            var updated = found.User with { Roles = roles ?? found.User.Roles, Traits = traits ?? found.User.Traits, RequireTotp = requireTotp ?? found.User.RequireTotp };
            var problems = UserRules.Check(updated.Name, updated.Roles, updated.Traits, cluster).ToList();
            if (problems.Count > 0)
            {
                return ChangeResult<User>.Refused(StatusCodes.Status400BadRequest, $"cannot update user '{name}'", problems);
            }

            var write = await users.WriteAsync(updated, found.Revision, writes, AuditEventTypes.UserUpdate, Describe(updated), actor, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
                return ChangeResult<User>.Done(updated);
            }
        }

        return ChangeResult<User>.Refused(StatusCodes.Status409Conflict, $"user '{name}' is being changed by someone else; try again");
    }

    /// <summary>
    /// Removes a user and ends every session of it; the value is how many sessions ended (those live when it was removed,
    /// counted before, so that the event holds the figure: any session left behind is refused, its user being gone).
    /// </summary>
    public async Task<ChangeResult<int>> RemoveAsync(string name, AuditActor actor, CancellationToken cancellationToken)
    {
        var live = await sessions.CountSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        if (!await users.DeleteAsync(name, writes, new JsonObject { ["user"] = name, ["sessions_ended"] = live }, actor, cancellationToken).ConfigureAwait(false))
        {
            return ChangeResult<int>.Refused(StatusCodes.Status404NotFound, $"user '{name}' not found");
        }

        appSessions.Forget(name);
        await sessions.EndSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return ChangeResult<int>.Done(live);
    }

    /// <summary>The fields of a <c>user.create</c> or <c>user.update</c> event: the user's name, roles, traits and whether a second factor is required.</summary>
    private static JsonObject Describe(User user) => new()
    {
        ["user"] = user.Name,
        ["roles"] = new JsonArray([.. user.Roles.Select(r => JsonValue.Create(r))]),
        ["traits"] = new JsonObject(user.Traits.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)new JsonArray([.. t.Value.Select(v => JsonValue.Create(v))])))),
        ["require_totp"] = user.RequireTotp,
    };

    /// <summary>A user added, and the sign-up link made for it when it has no password.</summary>
    internal sealed record Added(string Name, string? SignupUrl, DateTimeOffset? SignupExpires);
}
