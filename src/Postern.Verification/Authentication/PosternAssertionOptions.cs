using Microsoft.AspNetCore.Authentication;

namespace Postern.Verification;

/// <summary>Options of the Postern assertion authentication scheme.</summary>
public sealed class PosternAssertionOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// The address of Postern's key set, e.g. <c>https://postern.example.com/.well-known/jwks.json</c>.
    /// Required; must be <c>https</c> unless <see cref="RequireHttpsKeySet"/> is false.
    /// </summary>
    public Uri? KeySetUri { get; set; }

    /// <summary>
    /// The expected <c>iss</c>: Postern's cluster name. Required unless
    /// <see cref="DangerouslyAcceptAnyIssuer"/> is set.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Accept any <c>iss</c> when <see cref="Issuer"/> is not set. Default false.</summary>
    public bool DangerouslyAcceptAnyIssuer { get; set; }

    /// <summary>
    /// The accepted audiences: this application's <c>uri</c> exactly as configured in Postern.
    /// Required unless <see cref="DangerouslyAcceptAnyAudience"/> is set.
    /// </summary>
    public ICollection<string> Audiences { get; } = new List<string>();

    /// <summary>
    /// Accept any <c>aud</c> when <see cref="Audiences"/> is empty: an assertion Postern issued
    /// for another application would then sign a user in here. Default false.
    /// </summary>
    public bool DangerouslyAcceptAnyAudience { get; set; }

    /// <summary>How far apart Postern's clock and this application's may be. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = PosternTokenValidatorOptions.DefaultClockSkew;

    /// <summary>The request header holding the assertion. Default <c>Teleport-Jwt-Assertion</c>.</summary>
    public string HeaderName { get; set; } = PosternAssertionDefaults.HeaderName;

    /// <summary>
    /// Whether the key set must be fetched over HTTPS. Default true; set false for local
    /// development only: over plain HTTP anyone on the path can substitute their own keys.
    /// </summary>
    public bool RequireHttpsKeySet { get; set; } = true;

    /// <summary>How the key set is cached and refreshed.</summary>
    public JsonWebKeySetCacheOptions KeySetCache { get; set; } = new();

    /// <summary>The client that fetches the key set; when null, the scheme creates its own.</summary>
    public HttpClient? Backchannel { get; set; }

    /// <summary>The scheme's validator with its key set cache, built once by the post-configure step.</summary>
    internal PosternTokenValidator? TokenValidator { get; set; }

    /// <summary>The options the validator is built with.</summary>
    internal PosternTokenValidatorOptions ToValidatorOptions() => new()
    {
        Issuer = Issuer,
        DangerouslyAcceptAnyIssuer = DangerouslyAcceptAnyIssuer,
        Audiences = Audiences.Count == 0 ? null : Audiences.ToArray(),
        DangerouslyAcceptAnyAudience = DangerouslyAcceptAnyAudience,
        ClockSkew = ClockSkew,
    };
}
