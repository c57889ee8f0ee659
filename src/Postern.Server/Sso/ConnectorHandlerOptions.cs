using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Postern.Server.State;
using Postern.Sso;
using Postern.Server.Web;

namespace Postern.Server.Sso;

/// <summary>
/// The options of ASP.NET Core's OpenID Connect handler for a connector scheme, made from the stored connector
/// each time they are first asked for; a change to the connector drops them, so the next sign-in reads it anew.
/// Authorization code flow with PKCE, the answer in the query (so that the correlation and nonce cookies can be
/// <c>SameSite=Lax</c>), <c>state</c> and <c>nonce</c> checked, the ID token validated against the provider's
/// key set, and userinfo read when the provider offers it.
/// </summary>
internal sealed class ConnectorHandlerOptions : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>How long Postern waits for the provider's discovery document, key set, token and userinfo endpoints.</summary>
    public static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The clock skew allowed on the ID token's <c>exp</c> and <c>nbf</c> (the library's default is 5 minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly ClusterState _cluster;
    private readonly WebSettings _settings;
    private readonly TimeProvider _time;

    public ConnectorHandlerOptions(ClusterState cluster, WebSettings settings, TimeProvider time, IOptionsMonitorCache<OpenIdConnectOptions> cache)
    {
        _cluster = cluster;
        _settings = settings;
        _time = time;
        cluster.ConnectorChanged += name => cache.TryRemove(ConnectorSchemes.SchemeName(name));
    }

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || !ConnectorSchemes.TryGetConnector(name, out var connectorName) || _cluster.FindConnector(connectorName) is not { } connector)
        {
            return;
        }

        options.TimeProvider = _time;
        options.Authority = connector.IssuerUrl.OriginalString;
        options.RequireHttpsMetadata = !connector.InsecureAllowHttp;
        options.ClientId = connector.ClientId;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        options.Scope.Clear();
        foreach (var scope in connector.Scopes)
        {
            options.Scope.Add(scope);
        }

        options.Prompt = connector.Prompt;
        options.CallbackPath = OidcConnector.CallbackPath(connector.Name);
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.UseTokenLifetime = false;
        options.DisableTelemetry = true;
        options.BackchannelTimeout = BackchannelTimeout;
        options.TokenValidationParameters.ClockSkew = ClockSkew;
        options.TokenValidationParameters.NameClaimType = connector.UsernameClaim;
        options.EventsType = typeof(SsoEvents);

        var secure = _settings.Secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.CorrelationCookie.Name = "postern_oidc_correlation.";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = secure;
        options.CorrelationCookie.HttpOnly = true;
        options.NonceCookie.Name = "postern_oidc_nonce.";
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = secure;
        options.NonceCookie.HttpOnly = true;
    }
}
