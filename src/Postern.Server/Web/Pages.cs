using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace Postern.Server.Web;

/// <summary>The few HTML pages Postern serves itself: plain markup, inline style, every value encoded.</summary>
internal static class Pages
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330}
        h1{font-size:1.4rem}form{display:grid;gap:.6rem;max-width:22rem}input{padding:.45rem;font-size:1rem}
        button{padding:.5rem;font-size:1rem;cursor:pointer}.error{color:#a4161a}ul.apps{list-style:none;padding:0}
        ul.apps li{margin:.4rem 0}a.app{display:block;padding:.6rem .8rem;border:1px solid #ccd;border-radius:6px;text-decoration:none}
        .muted{color:#667}
        """;

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>Writes a whole page; <paramref name="body"/> must already be encoded.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var html = new StringBuilder(1024)
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>").Append(Encode(title)).Append(" · Postern</title><style>").Append(Style).Append("</style></head><body>")
            .Append(body)
            .Append("</body></html>");
        return context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    /// <summary>A short page that says what went wrong, with an optional link to go on.</summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string message, string? linkText, string? link)
    {
        var body = new StringBuilder().Append("<h1>").Append(Encode(message)).Append("</h1>");
        if (linkText is not null && link is not null && LocalPath.IsSafe(link))
        {
            body.Append("<p><a href=\"").Append(Encode(link)).Append("\">").Append(Encode(linkText)).Append("</a></p>");
        }

        return WriteAsync(context, status, message, body.ToString());
    }
}
