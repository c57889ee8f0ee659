using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.AppAccess;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary>The checks of <c>postern doctor</c>.</summary>
internal static partial class AdminEndpoints
{
    /// <summary>The claims and sizes of the assertion a user would get for an app now (<c>postern doctor assertion</c>).</summary>
    private static IResult PreviewAssertion(string name, HttpContext context, ClusterState cluster, AssertionMinter minter)
    {
        if (cluster.FindApp(name) is not { } app)
        {
            return Error(StatusCodes.Status404NotFound, $"app '{name}' does not exist");
        }

        var userName = context.Request.Query["user"].ToString();
        if (userName.Length == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "name the user whose assertion to show: ?user=NAME");
        }

        if (cluster.FindUser(userName) is not { } user)
        {
            return Error(StatusCodes.Status404NotFound, $"user '{userName}' does not exist (a user of an identity provider exists from their first sign-in)");
        }

        var (payload, budget) = minter.Preview(app, user);
        var verdict = budget.IsOver ? "over" : budget.IsNear ? "warning" : "fits";
        return Results.Json(
            new AssertionReport(app.Name, user.Name, budget.Limit, budget.Bytes, budget.Percent, verdict,
                [.. budget.Headers.Select(h => new SizedItem(h.Name, h.Bytes))], [.. budget.Claims.Select(c => new SizedItem(c.Name, c.Bytes))], payload),
            Json.AssertionReport);
    }

    /// <summary>
    /// Probes an app with the genuine assertion and forgeries (<c>postern doctor app</c>). Allowed for an app with
    /// <c>doctor: {allow: true}</c>, or for a caller whose role rules allow <c>create</c> on <c>doctor</c>.
    /// </summary>
    private static Task<IResult> DoctorAppAsync(string name, HttpContext context, ClusterState cluster, AppDoctor doctor, AuditLog audit, CancellationToken cancellationToken) =>
        WithBodyAsync<DoctorRequest>(context, DoctorRequest.TryParse, async request =>
        {
            if (cluster.FindApp(name) is not { } app)
            {
                return Error(StatusCodes.Status404NotFound, $"app '{name}' does not exist");
            }

            var caller = AdminCallers.Of(context);
            if (!app.Config.DoctorAllowed && !(caller.Checker is not null && caller.Check(AdminRules.Doctor, AdminRules.Create).Allowed))
            {
                var reason = $"app '{name}' may not be probed: set doctor: {{allow: true}} on the app, or give the caller a role rule allowing `{AdminRules.Create}` on `{AdminRules.Doctor}`";
                await audit.AppendAsync(AuditEventTypes.AdminAccessDenied, caller.Actor.Stamp(new JsonObject
                {
                    ["method"] = context.Request.Method,
                    ["path"] = context.Request.Path.Value,
                    ["reason"] = reason,
                }), cancellationToken).ConfigureAwait(false);
                return Error(StatusCodes.Status403Forbidden, reason);
            }

            User user;
            if (request.User is { } userName)
            {
                if (cluster.FindUser(userName) is not { } found)
                {
                    return Error(StatusCodes.Status404NotFound, $"user '{userName}' does not exist");
                }

                user = found;
            }
            else
            {
                user = new User { Name = AppDoctor.ProbeUser };
            }

            var report = await doctor.RunAsync(app, user, request.Path ?? "/", caller.Actor, cancellationToken).ConfigureAwait(false);
            return Results.Json(report, Json.DoctorReport);
        });
}
