using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Server.State;
using Postern.Server.Users;

namespace Postern.Server.Admin;

/// <summary>Users (<c>postern users ls|add|update|rm</c>).</summary>
internal static partial class AdminEndpoints
{
    private static IResult ListUsers(ClusterState cluster) =>
        Results.Json([.. cluster.Users.Select(u => new UserSummary(u.Name, u.Roles, u.Traits, u.CreatedAt, u.PasswordHash is not null, u.HasTotp, u.RequireTotp))], Json.IReadOnlyListUserSummary);

    private static Task<IResult> AddUserAsync(HttpContext context, UserService users, CancellationToken cancellationToken) =>
        WithBodyAsync<AddUserRequest>(context, AddUserRequest.TryParse, async request =>
            Answer(await users.AddAsync(request.Name, request.Roles, request.Traits, request.Password, request.RequireTotp ?? false, ActorOf(context), cancellationToken).ConfigureAwait(false),
                added => Results.Json(new UserAdded(added.Name, added.SignupUrl, added.SignupExpires), Json.UserAdded, statusCode: StatusCodes.Status201Created)));

    private static Task<IResult> UpdateUserAsync(string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        WithBodyAsync<UpdateUserRequest>(context, UpdateUserRequest.TryParse, async request =>
            Answer(await users.UpdateAsync(name, request.Roles, request.Traits, request.RequireTotp, ActorOf(context), cancellationToken).ConfigureAwait(false),
                updated => Results.Json(new UserUpdated(name, updated.Roles, updated.Traits, updated.RequireTotp), Json.UserUpdated)));

    private static async Task<IResult> RemoveUserAsync(string name, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        Answer(await users.RemoveAsync(name, ActorOf(context), cancellationToken).ConfigureAwait(false), ended => Results.Json(new UserRemoved(name, ended), Json.UserRemoved));
}
