using Postern.Server.Users;
using Postern.Server.SignIn;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Audit;
using Postern.Server.Sessions;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary><c>POST /v1/admin/users/NAME/totp/reset</c>: an administrator removes a user's second factor.</summary>
internal static partial class AdminEndpoints
{
    /// <summary>
    /// Removes the user's TOTP secret, recovery codes and any secret offered on the enrolment page, and records
    /// <c>user.totp.reset</c>. A user who must have a second factor sets one up again at the next sign-in.
    /// </summary>
    private static async Task<IResult> ResetTotpAsync(string name, HttpContext context, UserDirectory users, TotpEnrolment enrolment, ClusterState cluster, AuditedWrites writes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return Error(StatusCodes.Status404NotFound, $"user '{name}' not found");
            }

            var hadTotp = found.User.HasTotp;
            var reset = found.User with { TotpSecret = null, LegacyTotpSecret = null, RecoveryCodeHashes = [] };
            var fields = new JsonObject { ["user"] = name, ["had_totp"] = hadTotp };
            var write = await users.WriteAsync(reset, found.Revision, writes, AuditEventTypes.UserTotpReset, fields, ActorOf(context), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                await enrolment.ForgetPendingAsync(name, cancellationToken).ConfigureAwait(false);
                await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
                return Results.Json(new TotpReset(name, hadTotp, reset.RequireTotp), Json.TotpReset);
            }
        }

        return Error(StatusCodes.Status409Conflict, $"user '{name}' is being changed by someone else; try again");
    }
}
