using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>What a <see cref="PosternTokenValidator"/> accepts beyond a good signature.</summary>
public sealed record PosternTokenValidatorOptions
{
    /// <summary>The default <see cref="ClockSkew"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The algorithms Postern signs with, and the most a validator accepts: <c>RS256</c> and
    /// <c>ES256</c>.
    /// </summary>
    public static IReadOnlySet<string> SupportedAlgorithms { get; } =
        FrozenSet.Create(StringComparer.Ordinal, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256);

    /// <summary>
    /// The expected <c>iss</c>: the cluster name for app access assertions, the
    /// <c>https://…/workload-identity</c> URL for JWT-SVIDs. Null accepts any issuer, which
    /// is only safe when the key set is used by one issuer alone; set it.
    /// </summary>
    public string? Issuer { get; init; }

    /// <summary>
    /// The accepted audiences: a token must name at least one of them in <c>aud</c>. For an
    /// application, its <c>uri</c> exactly as configured in Postern. Null accepts any audience.
    /// </summary>
    public IReadOnlyCollection<string>? Audiences { get; init; }

    /// <summary>
    /// How far apart Postern's clock and ours may be when checking <c>exp</c> and <c>nbf</c>,
    /// one rule for every token (app assertions and JWT-SVIDs alike): a token is refused when
    /// <c>now &gt;= exp + ClockSkew</c>, and, when it has <c>nbf</c>, when
    /// <c>now &lt; nbf - ClockSkew</c>. Default 30 seconds.
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    /// <summary>
    /// When set, tokens are validated as JWT-SVIDs of this trust domain, by the SPIFFE
    /// JWT-SVID rules on top of the common ones: <c>sub</c> must be a SPIFFE ID
    /// <c>spiffe://&lt;TrustDomain&gt;/&lt;path&gt;</c> with a non-empty path
    /// (<see cref="TokenRejection.InvalidSubject"/>); the header's <c>typ</c>, when present,
    /// must be <c>JWT</c> or <c>JOSE</c> (<see cref="TokenRejection.InvalidType"/>); <c>iss</c>
    /// is required only when <see cref="Issuer"/> is set. <see cref="Audiences"/> must be set:
    /// a JWT-SVID's audience is always checked. Null (the default) validates app access
    /// assertions.
    /// </summary>
    public string? TrustDomain { get; init; }

    /// <summary>
    /// The algorithms accepted: a subset of <see cref="SupportedAlgorithms"/> (the default).
    /// It may narrow the set, never widen it.
    /// </summary>
    public IReadOnlySet<string> AllowedAlgorithms { get; init; } = SupportedAlgorithms;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    internal IEnumerable<string> Validate()
    {
        if (Issuer is { Length: 0 })
        {
            yield return "Issuer is empty: set the expected issuer, or leave it null to accept any.";
        }

        if (Audiences is { Count: 0 })
        {
            yield return "Audiences is empty, so no token could be accepted: list the accepted audiences, or leave it null to accept any.";
        }
        else if (Audiences is not null && Audiences.Any(string.IsNullOrEmpty))
        {
            yield return "Audiences contains an empty value.";
        }

        if (TrustDomain is not null && !SpiffeSubject.IsTrustDomain(TrustDomain))
        {
            yield return $"TrustDomain '{TrustDomain}' is not a trust domain name (lowercase letters, digits, '.', '-', '_').";
        }

        if (TrustDomain is not null && Audiences is null)
        {
            yield return "TrustDomain is set but Audiences is not: a JWT-SVID's audience must be checked.";
        }

        if (ClockSkew < TimeSpan.Zero)
        {
            yield return $"ClockSkew must not be negative; it is {ClockSkew}.";
        }

        if (AllowedAlgorithms is null || AllowedAlgorithms.Count == 0)
        {
            yield return "AllowedAlgorithms is empty: allow RS256, ES256 or both.";
        }
        else
        {
            foreach (var algorithm in AllowedAlgorithms.Where(a => !SupportedAlgorithms.Contains(a)))
            {
                yield return $"AllowedAlgorithms may only narrow RS256 and ES256; '{algorithm}' is not accepted.";
            }
        }
    }
}
