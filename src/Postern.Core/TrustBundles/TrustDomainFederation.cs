namespace Postern.TrustBundles;

/// <summary>
/// A trust domain this one federates with: its name, bound to the bundle endpoint that speaks for it (SPIFFE Trust
/// Domain and Bundle, section 5, the <c>https_web</c> profile), and how often to fetch the bundle again.
/// </summary>
public sealed record TrustDomainFederation
{
    /// <summary>The foreign trust domain's name, e.g. <c>partner.example</c>.</summary>
    public required string TrustDomain { get; init; }

    /// <summary>The foreign bundle endpoint: <c>https://</c>, or <c>http://</c> on a loopback host when <see cref="InsecureAllowHttp"/>.</summary>
    public required Uri BundleEndpoint { get; init; }

    /// <summary>A fixed refresh interval; null to follow the bundle's <c>spiffe_refresh_hint</c>.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    /// <summary>Admits an <c>http://</c> endpoint on a loopback host (tests, a sidecar on the same machine).</summary>
    public bool InsecureAllowHttp { get; init; }

    /// <summary>The shortest refresh interval taken, whatever the bundle hints or the resource asks.</summary>
    public static readonly TimeSpan MinRefresh = TimeSpan.FromSeconds(5);

    /// <summary>The longest refresh interval taken, whatever the bundle hints or the resource asks.</summary>
    public static readonly TimeSpan MaxRefresh = TimeSpan.FromHours(1);

    /// <summary>The interval when neither the resource nor the bundle names one (the SPIFFE specification's suggestion).</summary>
    public static readonly TimeSpan DefaultRefresh = TimeSpan.FromMinutes(5);

    /// <summary>When to fetch again after a fetch that got <paramref name="hint"/> (null when failed or without a hint), bounded by <see cref="MinRefresh"/> and <see cref="MaxRefresh"/>.</summary>
    public TimeSpan NextRefresh(TimeSpan? hint)
    {
        var wanted = RefreshInterval ?? hint ?? DefaultRefresh;
        return wanted < MinRefresh ? MinRefresh : wanted > MaxRefresh ? MaxRefresh : wanted;
    }

    /// <summary>Why <paramref name="url"/> may not be a bundle endpoint, or null.</summary>
    public static string? EndpointProblem(Uri url, bool insecureAllowHttp)
    {
        if (!url.IsAbsoluteUri || url.Host.Length == 0 || url.Fragment.Length > 0 || !string.IsNullOrEmpty(url.UserInfo)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{url}' is not an absolute https:// URL without user info or fragment";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !insecureAllowHttp)
        {
            return $"'{url}' is not https://: a bundle endpoint is reached over TLS (insecure_allow_http: true admits http:// on a loopback host, for tests)";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            return $"'{url}' is http:// to '{url.Host}', which is not a loopback host: insecure_allow_http admits http:// only to 127.0.0.0/8, ::1 or localhost";
        }

        return null;
    }
}
