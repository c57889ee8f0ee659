using Postern.Configuration;

namespace Postern.Server.AppAccess;

/// <summary>Cookie names and lifetimes for sign-in and app sessions.</summary>
internal sealed class AppAccessSettings
{
    /// <summary>The name of the assertion header; kept from the reference system so its apps work unchanged.</summary>
    public const string AssertionHeader = "Teleport-Jwt-Assertion";

    /// <summary>The path on an app's host where a launch from the web address completes.</summary>
    public const string CallbackPath = "/x-postern-auth";

    private readonly Func<PublicAddr> _publicAddr;

    /// <param name="config">The configuration.</param>
    /// <param name="publicAddr">The public address, known once the server is bound when it is not configured.</param>
    public AppAccessSettings(PosternConfig config, Func<PublicAddr> publicAddr)
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
