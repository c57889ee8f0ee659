using System.Text;
using Microsoft.AspNetCore.Http;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// The page a user gets instead of a request the app would refuse for its header size: what is too large, by how much,
/// and what an administrator can change. It names claims and sizes, never their values.
/// </summary>
internal static class OversizePage
{
    /// <summary>The answer: 431, what the app itself would most likely have said.</summary>
    public const int Status = StatusCodes.Status431RequestHeaderFieldsTooLarge;

    public static Task WriteAsync(HttpContext context, string app, int bytes, int limit, string? largest)
    {
        var title = $"Postern did not send your request to {app}: its headers are too large for the app.";
        var body = new StringBuilder()
            .Append("<h1>").Append(Pages.Encode(title)).Append("</h1><p>The request would carry ").Append(bytes)
            .Append(" bytes of headers; ").Append(Pages.Encode(app)).Append(" accepts at most ").Append(limit)
            .Append(" (its <code>max_header_bytes</code>), and would refuse it.</p>");
        if (largest is { Length: > 0 })
        {
            body.Append("<p>Your identity (the <code>Teleport-Jwt-Assertion</code> and templated headers) is the cause. Its largest claims: ")
                .Append(Pages.Encode(largest)).Append(".</p>")
                .Append("<p>An administrator can send the app only what it uses, with filters in the app's <code>rewrite.jwt_claims</code> ")
                .Append("(<code>traits</code>, <code>groups_filter</code>, <code>roles_filter</code>), or raise its <code>max_header_bytes</code> ")
                .Append("if the app accepts larger headers.</p>");
        }
        else
        {
            body.Append("<p>Your browser's own headers (most often its cookies for this site) take most of it: clearing them may help. ")
                .Append("An administrator can raise the app's <code>max_header_bytes</code> if the app accepts larger headers.</p>");
        }

        return Pages.WriteAsync(context, Status, title, body.ToString());
    }
}
