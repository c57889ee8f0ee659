using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Postern.Testing;

/// <summary>
/// An application behind Postern in tests: a real Kestrel on 127.0.0.1 that records every request it
/// receives (headers by name, as sent) and answers with its path. It also serves a WebSocket echo at
/// <c>/ws</c> (one message), a WebSocket echo at <c>/echo</c> that stays open until closed, a slow stream at
/// <c>/stream</c> and redirects at <c>/redirect</c>.
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _openEchoes;

    private Upstream(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Its address, e.g. <c>http://127.0.0.1:41234</c>: the app's <c>uri</c>.</summary>
    public string Address { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordedRequest Last => Requests.Last();

    /// <summary>How many WebSockets at <c>/echo</c> are open on the upstream's side now.</summary>
    public int OpenEchoes => Volatile.Read(ref _openEchoes);

    /// <summary>Completes the stream at <c>/stream</c> after its first chunk.</summary>
    public TaskCompletionSource StreamGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        Upstream? upstream = null;
        app.UseWebSockets();
        app.Run(async context =>
        {
            upstream!.Requests.Enqueue(new RecordedRequest(
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            switch (context.Request.Path.Value)
            {
                case "/ws" when context.WebSockets.IsWebSocketRequest:
                    using (var socket = await context.WebSockets.AcceptWebSocketAsync())
                    {
                        var buffer = new byte[1024];
                        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        await socket.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Text, true, CancellationToken.None);
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                    }

                    break;
                case "/echo" when context.WebSockets.IsWebSocketRequest:
                    Interlocked.Increment(ref upstream._openEchoes);
                    try
                    {
                        using var echo = await context.WebSockets.AcceptWebSocketAsync();
                        await EchoAsync(echo, context.RequestAborted);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                    {
                        // The tunnel was cut: what the tests look for.
                    }
                    finally
                    {
                        Interlocked.Decrement(ref upstream._openEchoes);
                    }

                    break;
                case "/stream":
                    await context.Response.WriteAsync("first\n");
                    await context.Response.Body.FlushAsync();
                    await upstream.StreamGate.Task.WaitAsync(TimeSpan.FromSeconds(30));
                    await context.Response.WriteAsync("last\n");
                    break;
                case "/redirect":
                    context.Response.Redirect($"{upstream.Address}/elsewhere?x=1");
                    break;
                default:
                    await context.Response.WriteAsync("upstream saw " + context.Request.Path);
                    break;
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream = new Upstream(app, address.TrimEnd('/'));
        return upstream;
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        StreamGate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string PathAndQuery, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
