using System.Net.Security;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>The HTTP client that reaches one app's upstream, made for the app as it is at <see cref="AppEntry.Revision"/>.</summary>
internal sealed class AppClient : HttpMessageInvoker
{
    public AppClient(AppEntry app)
        : base(CreateHandler(app.Config.InsecureSkipVerify), disposeHandler: true)
    {
        App = app;
    }

    /// <summary>The app this client was made for.</summary>
    public AppEntry App { get; }

    /// <summary>Whether the client was disposed (its app was replaced or removed).</summary>
    public bool IsDisposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private static SocketsHttpHandler CreateHandler(bool insecureSkipVerify)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        if (insecureSkipVerify)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        }

        return handler;
    }
}
