using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Postern.Server.AppAccess;

/// <summary>
/// The upstream <c>Set-Cookie</c> headers that never reach the browser: one naming a Postern cookie (any case, with
/// or without a <c>__Host-</c> or <c>__Secure-</c> prefix), which would replace or shadow a session, and one whose
/// <c>Domain</c> covers the web address or another app, which would plant a cookie there. A cookie without
/// <c>Domain</c>, or on a domain that covers this app's host alone, is the app's own and passes.
/// </summary>
/// <param name="appHost">This app's public host name.</param>
/// <param name="protectedHosts">The web address's host and every other app's host.</param>
internal sealed class UpstreamCookieFilter(string appHost, IReadOnlyCollection<string> protectedHosts)
{
    /// <summary>Removes the refused <c>Set-Cookie</c> values from <paramref name="headers"/>; returns each one's cookie name and reason.</summary>
    public IReadOnlyList<(string Cookie, string Reason)> Apply(IHeaderDictionary headers)
    {
        var values = headers.SetCookie;
        if (values.Count == 0)
        {
            return [];
        }

        var kept = new List<string?>(values.Count);
        var removed = new List<(string, string)>();
        foreach (var value in values)
        {
            var (name, reason) = Refusal(value ?? "");
            if (reason is null)
            {
                kept.Add(value);
            }
            else
            {
                removed.Add((name, reason));
            }
        }

        if (removed.Count > 0)
        {
            headers.SetCookie = new StringValues([.. kept]);
        }

        return removed;
    }

    private (string Name, string? Reason) Refusal(string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
        var eq = parts[0].IndexOf('=', StringComparison.Ordinal);
        var name = (eq < 0 ? parts[0] : parts[0][..eq]).Trim();
        if (IsPosternCookieName(name))
        {
            return (name, "it names a Postern cookie");
        }

        foreach (var attribute in parts.Skip(1))
        {
            var sep = attribute.IndexOf('=', StringComparison.Ordinal);
            if (sep < 0 || !attribute[..sep].Trim().Equals("Domain", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var domain = attribute[(sep + 1)..].Trim().TrimStart('.');
            if (domain.Length == 0)
            {
                continue;
            }

            if (protectedHosts.FirstOrDefault(h => !h.Equals(appHost, StringComparison.OrdinalIgnoreCase) && Covers(domain, h)) is { } host)
            {
                return (name, $"its Domain={domain} covers {host}");
            }
        }

        return (name, null);
    }

    /// <summary>Whether a cookie for <paramref name="domain"/> is sent to <paramref name="host"/> (RFC 6265 domain-match).</summary>
    private static bool Covers(string domain, string host) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase)
        || (host.Length > domain.Length && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[^(domain.Length + 1)] == '.');

    private static bool IsPosternCookieName(string name)
    {
        foreach (var prefix in (string[])["__Host-", "__Secure-"])
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        return name.StartsWith("postern_", StringComparison.OrdinalIgnoreCase);
    }
}
