using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>
/// A key set endpoint on real Kestrel (127.0.0.1, port 0) that counts its requests and whose
/// keys, status, Cache-Control and timing a test changes as it goes.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requestCount;

    private JwksServer(WebApplication app, Uri keySetUri)
    {
        _app = app;
        KeySetUri = keySetUri;
    }

    public Uri KeySetUri { get; }

    public int RequestCount => Volatile.Read(ref _requestCount);

    public string Body { get; set; } = """{"keys":[]}""";

    /// <summary>When set, served instead of <see cref="Body"/>: bytes that need not be UTF-8.</summary>
    public byte[]? RawBody { get; set; }

    public string? CacheControl { get; set; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    /// <summary>Whether the body is sent with a <c>Content-Length</c>; otherwise it is chunked.</summary>
    public bool DeclareLength { get; set; }

    /// <summary>Whether the body is sent gzip-compressed (<c>Content-Encoding: gzip</c>).</summary>
    public bool Gzip { get; set; }

    /// <summary>When set, requests are counted and then held until it completes.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public static async Task<JwksServer> StartAsync(params TestKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        JwksServer? server = null;
        app.Run(context => server!.ServeAsync(context));
        await app.StartAsync();
        server = new JwksServer(app, new Uri(new Uri(app.Urls.Single()), "/.well-known/jwks.json"));
        server.Publish(keys);
        return server;
    }

    public void Publish(params TestKey[] keys) => Publish(keys.Select(key => key.ToJwk()).ToArray());

    public void Publish(params JsonObject[] jwks) =>
        Body = new JsonObject { ["keys"] = new JsonArray(jwks.Select(jwk => jwk.DeepClone()).ToArray()) }.ToJsonString();

    /// <summary>Pads the published key set with trailing JSON whitespace to exactly <paramref name="bytes"/> bytes (still a valid key set).</summary>
    public void PadTo(int bytes) => Body = Body.TrimEnd() + new string(' ', bytes - Encoding.UTF8.GetByteCount(Body.TrimEnd()));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        if (Hold is { } hold)
        {
            await hold.Task;
        }

        context.Response.StatusCode = (int)Status;
        if (Status != HttpStatusCode.OK)
        {
            return;
        }

        if (CacheControl is { } cacheControl)
        {
            context.Response.Headers.CacheControl = cacheControl;
        }

        context.Response.ContentType = "application/json";
        var body = RawBody ?? Encoding.UTF8.GetBytes(Body);
        if (Gzip)
        {
            using var compressed = new MemoryStream();
            await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await gzip.WriteAsync(body);
            }

            body = compressed.ToArray();
            context.Response.Headers.ContentEncoding = "gzip";
        }

        if (DeclareLength)
        {
            context.Response.ContentLength = body.Length;
        }

        await context.Response.Body.WriteAsync(body);
    }
}
