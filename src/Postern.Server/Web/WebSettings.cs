using Postern.Configuration;

namespace Postern.Server.Web;

/// <summary>
/// The server's web settings, shared by every door: the public address, whether browsers reach it over TLS, cookie names
/// and options, and the lifetimes of sessions and assertions.
/// </summary>
internal sealed class WebSettings
{
    private readonly Func<PublicAddr> _publicAddr;

    /// <param name="config">The configuration.</param>
    /// <param name="publicAddr">The public address, known once the server is bound when it is not configured.</param>
    public WebSettings(PosternConfig config, Func<PublicAddr> publicAddr)
    {
        ClusterName = config.ClusterName;
        AssertionTtl = config.AppAccess.AssertionTtl;
        SessionTtl = config.AppAccess.SessionTtl;
        _publicAddr = publicAddr;
        Secure = (config.PublicAddr?.Uri.Scheme ?? config.Scheme) == Uri.UriSchemeHttps;
        var prefix = Secure ? "__Host-" : "";
        WebCookie = prefix + "postern_session";
        AppCookie = prefix + "postern_app";
        StateCookie = prefix + "postern_state";
        AntiforgeryCookie = prefix + "postern_csrf";
    }

    public string ClusterName { get; }

    public TimeSpan AssertionTtl { get; }

    public TimeSpan SessionTtl { get; }

    public PublicAddr PublicAddr => _publicAddr();

    /// <summary>Whether browsers reach Postern over TLS (directly or through a load balancer): cookies are then <c>Secure</c> and <c>__Host-</c>.</summary>
    public bool Secure { get; }

    public string WebCookie { get; }

    public string AppCookie { get; }

    public string StateCookie { get; }

    public string AntiforgeryCookie { get; }

    /// <summary>Whether <paramref name="name"/> is one of Postern's cookies, which never go upstream.</summary>
    public static bool IsPosternCookie(ReadOnlySpan<char> name) =>
        name.StartsWith("postern_", StringComparison.Ordinal) || name.StartsWith("__Host-postern_", StringComparison.Ordinal);

    public Microsoft.AspNetCore.Http.CookieOptions CookieOptions(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = Secure,
        SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
