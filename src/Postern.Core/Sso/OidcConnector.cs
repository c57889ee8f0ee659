namespace Postern.Sso;

/// <summary>
/// An OpenID Connect identity provider that users sign in through: where it is (discovery from
/// <see cref="IssuerUrl"/>), who Postern is to it, and how its claims become a Postern user.
/// </summary>
public sealed record OidcConnector
{
    /// <summary>The scopes asked for when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultScopes = ["openid", "email", "profile"];

    /// <summary>The connector's name (the resource's), which is also in its callback path.</summary>
    public required string Name { get; init; }

    /// <summary>The provider's issuer; its discovery document is at <c>/.well-known/openid-configuration</c> under it.</summary>
    public required Uri IssuerUrl { get; init; }

    /// <summary>The client id Postern is registered under at the provider.</summary>
    public required string ClientId { get; init; }

    /// <summary>Where the client secret is read from; the secret itself is never stored.</summary>
    public required ClientSecretSource ClientSecret { get; init; }

    /// <summary>The redirect URL registered at the provider; <c>null</c>: the public address and <see cref="CallbackPath(string)"/>.</summary>
    public Uri? RedirectUrl { get; init; }

    /// <summary>The scopes asked for; always with <c>openid</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = DefaultScopes;

    /// <summary>Which claims give which roles, in order.</summary>
    public required IReadOnlyList<ClaimMapping> ClaimsToRoles { get; init; }

    /// <summary>The claim whose value is the Postern user name.</summary>
    public string UsernameClaim { get; init; } = "email";

    /// <summary>The <c>prompt</c> parameter sent to the provider, e.g. <c>select_account</c>.</summary>
    public string? Prompt { get; init; }

    /// <summary>When not empty, only users whose <c>email</c> claim is in one of these domains may sign in.</summary>
    public IReadOnlyList<string> AllowedEmailDomains { get; init; } = [];

    /// <summary>
    /// Whether a sign-in by someone with no Postern user yet creates one (the default). When <c>false</c>, only the
    /// users this connector made before may sign in.
    /// </summary>
    public bool CreateUsers { get; init; } = true;

    /// <summary>The button text on the login page; the name when not set.</summary>
    public string? Display { get; init; }

    /// <summary>Allows an <c>http://</c> issuer (a provider on the loopback in tests); never for a real provider.</summary>
    public bool InsecureAllowHttp { get; init; }

    /// <summary>The path on Postern's web address where the provider sends the browser back.</summary>
    public static string CallbackPath(string name) => $"/v1/sso/oidc/{name}/callback";

    /// <summary>The path that starts a sign-in through the connector named <paramref name="name"/>.</summary>
    public static string LoginPath(string name) => $"/v1/sso/oidc/{name}/login";
}
