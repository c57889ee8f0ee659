using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Postern.Cli.Commands;

/// <summary>
/// The listener of <c>postern login --sso</c>: plain HTTP on 127.0.0.1, on a port the system chooses, where the browser
/// arrives with the sign-in's one-time code once Postern has signed the person in. Only an answer that carries this
/// login's <c>state</c> is taken; any other request is refused and said so on standard error, and the listener goes on
/// waiting, so that a stray or forged request neither completes nor cancels the login.
/// </summary>
internal sealed class LoopbackCallback : IAsyncDisposable
{
    public const string CallbackPath = "/callback";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource<string> _code = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _state;
    private readonly TextWriter _error;

    private LoopbackCallback(WebApplication app, string state, TextWriter error)
    {
        _app = app;
        _state = Encoding.ASCII.GetBytes(state);
        _error = error;
    }

    /// <summary>The address Postern sends the browser to: <c>http://127.0.0.1:PORT/callback</c>.</summary>
    public string RedirectUrl { get; private set; } = "";

    /// <summary>Starts listening for the answer that carries <paramref name="state"/>.</summary>
    public static async Task<LoopbackCallback> StartAsync(string state, TextWriter error, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var callback = new LoopbackCallback(app, state, error);
        app.MapGet(CallbackPath, callback.AnswerAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        callback.RedirectUrl = $"http://127.0.0.1:{new Uri(address).Port}{CallbackPath}";
        return callback;
    }

    /// <summary>The one-time code of the first answer with this login's state.</summary>
    public Task<string> CodeAsync(CancellationToken cancellationToken) => _code.Task.WaitAsync(cancellationToken);

    private async Task AnswerAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var query = context.Request.Query;
        var state = query["state"].ToString();
        var code = query["code"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(state), _state) || code.Length == 0)
        {
            await _error.WriteLineAsync("postern: refused a request to the login callback that is not the answer to this login (its state does not match); still waiting").ConfigureAwait(false);
            await WriteAsync(context, StatusCodes.Status400BadRequest, "This is not the answer to the sign-in your postern command started (the state does not match). Nothing was signed in.").ConfigureAwait(false);
            return;
        }

        if (!_code.TrySetResult(code))
        {
            await WriteAsync(context, StatusCodes.Status409Conflict, "This sign-in was answered already.").ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, "Postern received your sign-in. Return to your terminal; you may close this page.").ConfigureAwait(false);
    }

    private static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
