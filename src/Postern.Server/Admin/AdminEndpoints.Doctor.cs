using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
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
}
