using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.AppAccess;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>
/// Turns one client request into the upstream request: the client headers <see cref="ClientHeaderFilter"/> refuses
/// are dropped, the assertion and the app's rewritten headers are added, Postern's cookies are removed and
/// <c>X-Forwarded-*</c> are set from <paramref name="forwarded"/>. On the way back, <c>Location</c> headers naming a
/// configured host are rewritten to the app's public address and <paramref name="cookies"/> removes the
/// <c>Set-Cookie</c> headers the app may not send.
/// <paramref name="assertions"/> are the <c>Teleport-Jwt-Assertion</c> values sent: one for a user's request; none, one
/// or two for a probe of <c>postern doctor app</c> (two go as one field, joined with <c>", "</c>). Templated headers are
/// rendered with the first; <paramref name="budget"/> is what Postern's own headers take, named when they are the cause.
/// A probe is marked <c>X-Postern-Probe: </c><paramref name="probe"/> (a client's own <c>X-Postern-*</c> never passes).
/// </summary>
internal sealed class AppRequestTransformer(
    AppEntry app, User user, IReadOnlyList<string> assertions, HeaderBudget budget, string publicOrigin, ForwardedValues forwarded, UpstreamCookieFilter cookies, ILogger logger,
    string? probe = null) : HttpTransformer
{
    /// <summary>The name of the assertion header; kept from the reference system so its apps work unchanged.</summary>
    public const string AssertionHeader = "Teleport-Jwt-Assertion";

    private readonly string? assertion = assertions.Count > 0 ? assertions[0] : null;

    /// <summary>Whether the request was answered here (431) for its header size instead of being forwarded.</summary>
    public bool OverBudget { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var headers = proxyRequest.Headers;
        ClientHeaderFilter.Remove(httpContext.Request.Headers, proxyRequest, app.Config.Rewrite.HeaderRules);
        headers.Remove(AssertionHeader);

        var rules = app.Config.Rewrite.HeaderRules;
        foreach (var rule in rules)
        {
            if (!rule.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove(rule.Name);
                proxyRequest.Content?.Headers.Remove(rule.Name);
            }
        }

        RemovePosternCookies(headers);

        if (assertions.Count > 0)
        {
            headers.TryAddWithoutValidation(AssertionHeader, assertions);
        }
        foreach (var rule in rules)
        {
            var value = Expand(rule);
            if (value is null)
            {
                continue;
            }

            if (rule.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                headers.Host = value;
            }
            else if (!headers.TryAddWithoutValidation(rule.Name, value))
            {
                proxyRequest.Content?.Headers.TryAddWithoutValidation(rule.Name, value);
            }
        }

        if (forwarded.For is { } client)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", client);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", forwarded.Proto);
        headers.TryAddWithoutValidation("X-Forwarded-Host", forwarded.Host);
        headers.TryAddWithoutValidation("X-Forwarded-Port", forwarded.Port);
        if (probe is not null)
        {
            headers.TryAddWithoutValidation(AppDoctor.ProbeHeader, probe);
        }

        UpstreamTraceContext.Apply(httpContext.Request.Headers, headers);
        await RefuseOverBudgetAsync(httpContext, proxyRequest).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers in place of the app when the whole header block (the client's headers with Postern's) would not fit the
    /// app's budget; an answer written here keeps the request from being forwarded.
    /// </summary>
    private async ValueTask RefuseOverBudgetAsync(HttpContext httpContext, HttpRequestMessage proxyRequest)
    {
        var limit = app.Config.MaxHeaderBytes;
        var bytes = HeaderBlock.Bytes(httpContext.Request, proxyRequest, app.Config.Uri);
        if (bytes <= limit)
        {
            return;
        }

        OverBudget = true;
        logger.RequestOverBudget(app.Name, user.Name, bytes, limit);
        var ownShare = budget.Bytes > limit * HeaderBudget.WarningShare;
        await OversizePage.WriteAsync(httpContext, app.Name, bytes, limit, ownShare ? budget.LargestText : null).ConfigureAwait(false);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        var redirectHosts = app.Config.Rewrite.Redirect;
        if (redirectHosts.Count > 0
            && httpContext.Response.Headers.Location.ToString() is { Length: > 0 } location
            && Uri.TryCreate(location, UriKind.Absolute, out var target)
            && redirectHosts.Any(h => string.Equals(h, target.Host, StringComparison.OrdinalIgnoreCase) || string.Equals(h, target.Authority, StringComparison.OrdinalIgnoreCase)))
        {
            httpContext.Response.Headers.Location = publicOrigin + target.PathAndQuery + target.Fragment;
        }

        foreach (var (cookie, reason) in cookies.Apply(httpContext.Response.Headers))
        {
            logger.UpstreamCookieRemoved(app.Name, cookie, reason);
        }

        return proceed;
    }

    private string? Expand(HeaderRewriteRule rule)
    {
        var rendered = HeaderRendering.Render(rule, user.Traits, user.ExternalTraits, assertion);
        foreach (var reason in rendered.Refusals)
        {
            logger.HeaderValueRefused(app.Name, rule.Name, user.Name, reason);
        }

        return rendered.Value;
    }

    private static void RemovePosternCookies(HttpRequestHeaders headers)
    {
        if (!headers.TryGetValues("Cookie", out var values))
        {
            return;
        }

        var kept = new List<string>();
        foreach (var value in values)
        {
            foreach (var pair in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? pair.AsSpan() : pair.AsSpan(0, eq).Trim();
                if (!WebSettings.IsPosternCookie(name))
                {
                    kept.Add(pair);
                }
            }
        }

        headers.Remove("Cookie");
        if (kept.Count > 0)
        {
            headers.TryAddWithoutValidation("Cookie", string.Join("; ", kept));
        }
    }
}
