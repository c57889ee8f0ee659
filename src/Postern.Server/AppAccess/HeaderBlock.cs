using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Postern.Server.AppAccess;

/// <summary>
/// The size of the request head Postern sends an app, as HTTP/1.1 writes it: the request line and every header line
/// (a header's values joined with <c>", "</c>). Measured on every request, so it counts without allocating.
/// </summary>
internal static class HeaderBlock
{
    /// <summary>The bytes of <paramref name="outgoing"/>'s head, its target being <paramref name="destination"/> and the incoming path and query.</summary>
    public static int Bytes(HttpRequest incoming, HttpRequestMessage outgoing, Uri destination)
    {
        // "GET /prefix/path?query HTTP/1.1" CRLF, then a Host line even when none is set (HttpClient adds the destination's).
        var target = destination.AbsolutePath.TrimEnd('/').Length + (incoming.Path.Value ?? "/").Length + (incoming.QueryString.Value ?? "").Length;
        var bytes = outgoing.Method.Method.Length + 1 + target + 1 + "HTTP/1.1".Length + 2;
        if (outgoing.Headers.Host is null)
        {
            bytes += HeaderBudget.LineBytes("Host", destination.Authority);
        }

        bytes += Lines(outgoing.Headers.NonValidated);
        if (outgoing.Content is { } content)
        {
            bytes += Lines(content.Headers.NonValidated);
        }

        return bytes + 2;
    }

    private static int Lines(HttpHeadersNonValidated headers)
    {
        var bytes = 0;
        foreach (var (name, values) in headers)
        {
            bytes += Encoding.ASCII.GetByteCount(name) + 4 + (2 * Math.Max(0, values.Count - 1));
            foreach (var value in values)
            {
                bytes += Encoding.UTF8.GetByteCount(value);
            }
        }

        return bytes;
    }
}
