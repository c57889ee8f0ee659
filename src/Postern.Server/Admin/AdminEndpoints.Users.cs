using Microsoft.AspNetCore.Http;
using Postern.Server.State;
using Postern.Server.Users;

namespace Postern.Server.Admin;

/// <summary>Users (<c>postern users ls|add|update|rm</c>).</summary>
internal static partial class AdminEndpoints
{
    private static IResult ListUsers(ClusterState cluster) =>
        Results.Json(cluster.Users.Select(u => new UserSummary(u.Name, u.Roles, u.Traits, u.CreatedAt, u.PasswordHash is not null, u.HasTotp, u.RequireTotp)));

    private static async Task<IResult> AddUserAsync(AddUserRequest request, UserService users, CancellationToken cancellationToken) =>
        Answer(await users.AddAsync(request.Name, request.Roles, request.Traits, request.Password, request.RequireTotp ?? false, cancellationToken).ConfigureAwait(false),
            added => Results.Json(new { name = added.Name, signup_url = added.SignupUrl, signup_expires = added.SignupExpires }, statusCode: StatusCodes.Status201Created));

    private static async Task<IResult> UpdateUserAsync(string name, UpdateUserRequest request, UserService users, CancellationToken cancellationToken) =>
        Answer(await users.UpdateAsync(name, request.Roles, request.Traits, request.RequireTotp, cancellationToken).ConfigureAwait(false),
            updated => Results.Json(new { name, roles = updated.Roles, traits = updated.Traits, require_totp = updated.RequireTotp }));

    private static async Task<IResult> RemoveUserAsync(string name, UserService users, CancellationToken cancellationToken) =>
        Answer(await users.RemoveAsync(name, cancellationToken).ConfigureAwait(false), ended => Results.Json(new { name, sessions_ended = ended }));

    internal sealed record AddUserRequest(string? Name, IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits, string? Password, bool? RequireTotp = null);

    internal sealed record UpdateUserRequest(IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits, bool? RequireTotp = null);

    internal sealed record UserSummary(string Name, IReadOnlyList<string> Roles, IReadOnlyDictionary<string, IReadOnlyList<string>> Traits, DateTimeOffset CreatedAt, bool HasPassword, bool HasTotp, bool RequireTotp);
}
