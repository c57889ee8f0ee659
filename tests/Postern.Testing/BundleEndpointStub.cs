using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postern.Testing;

/// <summary>
/// A bundle endpoint that serves whatever <see cref="Document"/> holds (real Kestrel, plain HTTP on 127.0.0.1): what
/// an attacker or a broken trust domain could answer a federation with.
/// </summary>
public sealed class BundleEndpointStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BundleEndpointStub(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The body served at every path, as UTF-8.</summary>
    public string Document { get; set; } = """{"keys":[]}""";

    /// <summary>The status served.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>How many requests were answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private int _requests;

    /// <summary>The URL of the bundle, <c>http://127.0.0.1:PORT/bundle</c>.</summary>
    public string Url { get; }

    public static async Task<BundleEndpointStub> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var stub = new BundleEndpointStub(app, $"http://127.0.0.1:{port}/bundle");
        app.Run(async context =>
        {
            Interlocked.Increment(ref stub._requests);
            context.Response.StatusCode = stub.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(stub.Document);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
