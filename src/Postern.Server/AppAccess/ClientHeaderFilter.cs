using Microsoft.AspNetCore.Http;
using Postern.AppAccess;

namespace Postern.Server.AppAccess;

/// <summary>
/// The client headers that never reach an app: any name holding <c>_</c> (app servers that follow CGI conventions
/// read <c>X_Webauth_User</c> as <c>X-Webauth-User</c>; nginx drops them by default), and every header that names
/// a client address, a URL override or an identity, in any case spelling and however often repeated.
/// </summary>
internal static class ClientHeaderFilter
{
    private static readonly string[] RefusedPrefixes = ["X-Forwarded-", "X-Original-", "X-Postern-"];

    private static readonly HashSet<string> RefusedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        AppRequestTransformer.AssertionHeader, "Forwarded", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
        "X-Cluster-Client-IP", "Fastly-Client-IP", "X-Rewrite-URL",
    };

    /// <summary>Whether the client's header <paramref name="name"/> is dropped for an app with <paramref name="rules"/>.</summary>
    public static bool IsRefused(string name, IReadOnlyList<HeaderRewriteRule> rules)
    {
        if (name.Contains('_', StringComparison.Ordinal) || RefusedNames.Contains(name))
        {
            return true;
        }

        foreach (var prefix in RefusedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var rule in rules)
        {
            if (rule.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && !rule.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes from <paramref name="proxyRequest"/> every header of <paramref name="client"/> that <see cref="IsRefused"/>.</summary>
    public static void Remove(IHeaderDictionary client, HttpRequestMessage proxyRequest, IReadOnlyList<HeaderRewriteRule> rules)
    {
        foreach (var name in client.Keys)
        {
            if (IsRefused(name, rules))
            {
                // Header collections compare names without case: one Remove drops every spelling and repeat.
                proxyRequest.Headers.Remove(name);
                proxyRequest.Content?.Headers.Remove(name);
            }
        }
    }
}
