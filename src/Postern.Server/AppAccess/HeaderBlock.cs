using Microsoft.AspNetCore.Http;

namespace Postern.Server.AppAccess;

/// <summary>The size of the request head Postern sends an app, as HTTP/1.1 writes it: the request line and every header line.</summary>
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

        foreach (var (name, values) in outgoing.Headers.NonValidated)
        {
            bytes += HeaderBudget.LineBytes(name, string.Join(", ", values));
        }

        if (outgoing.Content is { } content)
        {
            foreach (var (name, values) in content.Headers.NonValidated)
            {
                bytes += HeaderBudget.LineBytes(name, string.Join(", ", values));
            }
        }

        return bytes + 2;
    }
}
