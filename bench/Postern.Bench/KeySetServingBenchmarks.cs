using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Configuration;
using Postern.Server;

namespace Postern.Bench;

/// <summary>
/// Serving the key set over HTTP on loopback, against a bare Kestrel endpoint that writes the
/// same bytes with no logic (the floor any server pays for a request of this size).
/// </summary>
[MemoryDiagnoser]
public class KeySetServingBenchmarks
{
    private string _dataDir = null!;
    private PosternHost _postern = null!;
    private WebApplication _bare = null!;
    private HttpClient _client = null!;
    private string _posternUrl = null!;
    private string _bareUrl = null!;
    private string _etag = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _dataDir = Directory.CreateTempSubdirectory("postern-bench-").FullName;
        var config = ConfigLoader.Parse($"listen_addr: 127.0.0.1:0\ntls: {{ disabled: true }}\ndata_dir: {_dataDir}", _dataDir);
        _postern = await PosternHost.StartAsync(config, new PosternHostOptions { ConfigureLogging = _ => { } }, CancellationToken.None);
        _posternUrl = _postern.BoundAddress + ".well-known/jwks.json";
        var bytes = _postern.Authorities.Get(Postern.Authority.CertAuthorityType.Jwt).KeySet.Json;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _bare = builder.Build();
        _bare.MapGet("/static", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(bytes).AsTask();
        });
        await _bare.StartAsync();
        _bareUrl = _bare.Urls.First() + "/static";

        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        using var first = await _client.GetAsync(_posternUrl);
        _etag = first.Headers.ETag!.Tag;
    }

    [Benchmark(Baseline = true)]
    public Task<byte[]> BareKestrelSameBytes() => _client.GetByteArrayAsync(_bareUrl);

    [Benchmark]
    public Task<byte[]> PosternKeySet() => _client.GetByteArrayAsync(_posternUrl);

    [Benchmark]
    public async Task<HttpStatusCode> PosternKeySetNotModified()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _posternUrl);
        request.Headers.TryAddWithoutValidation("If-None-Match", _etag);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _bare.DisposeAsync();
        await _postern.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
