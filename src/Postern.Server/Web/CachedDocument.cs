using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Postern.Server.Web;

/// <summary>Serves a document from cached bytes, with its <c>ETag</c> and <c>304 Not Modified</c>.</summary>
internal static class CachedDocument
{
    public static Task WriteAsync(HttpContext context, ReadOnlyMemory<byte> json, string etag, TimeSpan maxAge)
    {
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = $"public, max-age={(long)maxAge.TotalSeconds}";
        response.Headers.AccessControlAllowOrigin = "*";
        if (Matches(context.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }

    // If-None-Match uses the weak comparison (RFC 9110, section 13.1.2).
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}
