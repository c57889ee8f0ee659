namespace Postern.Configuration;

/// <summary>
/// Whether an app's <c>public_addr</c> names Postern's own web address. Requests are sent to an app by host name
/// alone, so an app on the web address's host (whatever port it names) would receive the sign-in pages, the admin
/// API and the key set: it is refused wherever apps are declared.
/// </summary>
public static class WebAddressOverlap
{
    /// <summary>Why <paramref name="appPublicAddr"/> (<c>host[:port]</c>) may not be used with <paramref name="web"/>, or <c>null</c>.</summary>
    public static string? Problem(string appPublicAddr, PublicAddr web)
    {
        var colon = appPublicAddr.LastIndexOf(':');
        var host = colon < 0 ? appPublicAddr : appPublicAddr[..colon];
        return string.Equals(host, web.Host, StringComparison.OrdinalIgnoreCase) || string.Equals(host, web.Uri.Host, StringComparison.OrdinalIgnoreCase)
            ? $"'{appPublicAddr}' is Postern's own address ({web.Text}); apps are matched by host name, so this app would take over "
                + "the sign-in pages and the admin API: give it a host name of its own (e.g. app." + web.Host + ")"
            : null;
    }
}
