using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postern.Verification;

namespace Postern.Server.Demo;

/// <summary>
/// The app <c>postern start --demo</c> puts behind the proxy: it verifies the <c>Teleport-Jwt-Assertion</c> it
/// receives with <c>Postern.Verification</c>, as any app would, and shows the user what identity arrived —
/// the verified claims and every header, with tokens shortened.
/// </summary>
internal sealed partial class DemoApp : IAsyncDisposable
{
    private const string AssertionHeader = "Teleport-Jwt-Assertion";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _host;
    private readonly HttpClient _jwksClient;

    private DemoApp(WebApplication host, HttpClient jwksClient, Uri address)
    {
        _host = host;
        _jwksClient = jwksClient;
        Address = address;
    }

    /// <summary>Where the demo listens, e.g. <c>http://127.0.0.1:43111</c> (no trailing slash): the app's <c>uri</c> and audience.</summary>
    public Uri Address { get; }

    /// <summary>Starts the demo on a free loopback port.</summary>
    public static async Task<DemoApp> StartAsync(DemoAppOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        var host = builder.Build();
        var jwksClient = options.JwksHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        var keySet = new JsonWebKeySetCache(jwksClient, options.JwksUri, options.Time);
        PosternTokenValidator? validator = null;

        host.Use(async (context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            await next(context).ConfigureAwait(false);
        });
        host.MapGet("/api/whoami", async context =>
            await context.Response.WriteAsJsonAsync(await InspectAsync(context, validator!).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false));
        host.MapFallback(async context =>
        {
            var seen = await InspectAsync(context, validator!).ConfigureAwait(false);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(Render(seen), context.RequestAborted).ConfigureAwait(false);
        });

        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
        validator = new PosternTokenValidator(keySet, new PosternTokenValidatorOptions { Issuer = options.Issuer, Audiences = [address.OriginalString] }, options.Time);
        return new DemoApp(host, jwksClient, address);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        await _host.DisposeAsync().ConfigureAwait(false);
        _jwksClient.Dispose();
    }

    private static async Task<Seen> InspectAsync(HttpContext context, PosternTokenValidator validator)
    {
        var headers = context.Request.Headers
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(h => h.Key, h => Shorten(h.Key, h.Value.ToString()), StringComparer.OrdinalIgnoreCase);
        var token = context.Request.Headers[AssertionHeader].ToString();
        if (token.Length == 0)
        {
            return new Seen(false, $"no {AssertionHeader} header", null, [], new Dictionary<string, IReadOnlyList<string>>(), null, headers);
        }

        var result = await validator.ValidateAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (result.Identity is not { } identity)
        {
            return new Seen(false, result.Message ?? result.Rejection?.ToString(), null, [], new Dictionary<string, IReadOnlyList<string>>(), null, headers);
        }

        return new Seen(true, null, identity.UserName, identity.Roles, identity.Traits, identity.Claims, headers);
    }

    private static string Shorten(string name, string value) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) || JwtLike().IsMatch(value)
            ? value.Length <= 12 ? value : value[..12] + "…"
            : value;

    private static string Render(Seen seen)
    {
        static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Postern demo</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}td{padding:.2rem .6rem;vertical-align:top;font-family:monospace}</style></head><body>")
            .Append("<h1>Hello, <span id=\"username\">").Append(E(seen.UserName)).Append("</span></h1>")
            .Append("<p id=\"verdict\">").Append(seen.Verified ? "verified" : "rejected: " + E(seen.Reason)).Append("</p>")
            .Append("<p>This page is the demo app behind Postern. It checked the <code>").Append(AssertionHeader)
            .Append("</code> header against Postern's key set with Postern.Verification.</p>")
            .Append("<h2>Roles</h2><p id=\"roles\">").Append(E(string.Join(", ", seen.Roles))).Append("</p>")
            .Append("<h2>Traits</h2><ul id=\"traits\">");
        foreach (var (name, values) in seen.Traits)
        {
            html.Append("<li>").Append(E(name)).Append(": ").Append(E(string.Join(", ", values))).Append("</li>");
        }

        html.Append("</ul><h2>Assertion claims</h2><pre id=\"claims\">")
            .Append(seen.Claims is { } claims ? E(JsonSerializer.Serialize(claims, Indented)) : "")
            .Append("</pre><h2>Request headers</h2><table id=\"headers\">");
        foreach (var (name, value) in seen.Headers)
        {
            html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(value)).Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }

    [GeneratedRegex(@"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtLike();

    private sealed record Seen(
        bool Verified,
        string? Reason,
        string? UserName,
        IReadOnlyList<string> Roles,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Traits,
        JsonElement? Claims,
        IReadOnlyDictionary<string, string> Headers);
}
