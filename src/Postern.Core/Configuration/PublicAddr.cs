namespace Postern.Configuration;

/// <summary>
/// Postern's public web address: an absolute <c>https://</c> (or <c>http://</c>) URL with a host and
/// optional port, no path, no trailing slash, and no default port. Parsed once, trusted afterwards.
/// </summary>
public sealed record PublicAddr
{
    private PublicAddr(Uri uri, string text)
    {
        Uri = uri;
        Text = text;
    }

    /// <summary>The address as a URI.</summary>
    public Uri Uri { get; }

    /// <summary>The canonical text, e.g. <c>https://example.com:3080</c>.</summary>
    public string Text { get; }

    /// <summary>The host name or address.</summary>
    public string Host => Uri.IdnHost;

    /// <summary>The URL of a path on this address, e.g. <c>/workload-identity</c>.</summary>
    public string Combine(string path) => Text + path;

    /// <summary>Parses <paramref name="text"/>, or says why it is not a public address.</summary>
    public static bool TryParse(string text, bool allowHttp, out PublicAddr? addr, out string reason)
    {
        addr = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            reason = "not an absolute URL with a host";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            reason = allowHttp ? "must start with https:// or http://" : "must start with https:// (http:// only with tls.disabled)";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            reason = "must not hold user info, a query or a fragment";
            return false;
        }

        if (uri.AbsolutePath != "/")
        {
            reason = "must not have a path";
            return false;
        }

        if (text.EndsWith('/'))
        {
            reason = "must not end with a slash";
            return false;
        }

        // Uri drops a default port by itself (https://x:443 -> https://x).
        addr = new PublicAddr(uri, uri.GetLeftPart(UriPartial.Authority));
        reason = "";
        return true;
    }
}
