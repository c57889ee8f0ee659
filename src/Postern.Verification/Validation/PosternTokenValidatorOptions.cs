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
    /// <c>https://…/workload-identity</c> URL for JWT-SVIDs. Required for app access assertions
    /// unless <see cref="DangerouslyAcceptAnyIssuer"/> is set; optional for JWT-SVIDs
    /// (<see cref="TrustDomain"/> set), whose binding is the trust domain: checked when given.
    /// </summary>
    public string? Issuer { get; init; }

    /// <summary>
    /// Accept a token whatever its <c>iss</c>, when <see cref="Issuer"/> is not set. Only safe
    /// when the key set signs for one issuer alone; a validator without <see cref="Issuer"/> and
    /// without this opt-out is refused at construction. Default false.
    /// </summary>
    public bool DangerouslyAcceptAnyIssuer { get; init; }

    /// <summary>
    /// The accepted audiences: a token must name at least one of them in <c>aud</c>. For an
    /// application, its <c>uri</c> exactly as configured in Postern. Required unless
    /// <see cref="DangerouslyAcceptAnyAudience"/> is set.
    /// </summary>
    public IReadOnlyCollection<string>? Audiences { get; init; }

    /// <summary>
    /// Accept a token whatever its <c>aud</c>, when <see cref="Audiences"/> is not set: a token
    /// Postern issued for any other application (or workload) is then accepted here too. For
    /// diagnostics only; a validator without <see cref="Audiences"/> and without this opt-out is
    /// refused at construction. Not allowed for JWT-SVIDs. Default false.
    /// </summary>
    public bool DangerouslyAcceptAnyAudience { get; init; }

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
    /// is required only when <see cref="Issuer"/> is set: the trust domain (the subject's, and
    /// the bundle's keys) binds a JWT-SVID, so no issuer opt-out is needed.
    /// <see cref="Audiences"/> must be set: a JWT-SVID's audience is always checked
    /// (<see cref="DangerouslyAcceptAnyAudience"/> is refused). Null (the default) validates app
    /// access assertions.
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
            yield return "Issuer is empty: set the expected 'iss' (Postern's cluster name, or the workload identity issuer URL).";
        }
        else if (Issuer is null && TrustDomain is null && !DangerouslyAcceptAnyIssuer)
        {
            yield return "Issuer is required: set the expected 'iss' (Postern's cluster name for app access assertions), "
                + "or set DangerouslyAcceptAnyIssuer to accept a token of any issuer this key set signs for.";
        }
        else if (Issuer is not null && DangerouslyAcceptAnyIssuer)
        {
            yield return "Issuer and DangerouslyAcceptAnyIssuer are both set: keep Issuer and remove DangerouslyAcceptAnyIssuer.";
        }

        if (Audiences is null)
        {
            if (TrustDomain is not null)
            {
                yield return DangerouslyAcceptAnyAudience
                    ? "TrustDomain is set together with DangerouslyAcceptAnyAudience: a JWT-SVID's audience must be checked; set Audiences instead."
                    : "TrustDomain is set but Audiences is not: a JWT-SVID's audience must be checked.";
            }
            else if (!DangerouslyAcceptAnyAudience)
            {
                yield return "Audiences is required: list the audiences accepted (an application's uri exactly as configured in Postern), "
                    + "or set DangerouslyAcceptAnyAudience to accept a token Postern issued for any application.";
            }
        }
        else if (Audiences.Count == 0)
        {
            yield return "Audiences is empty, so no token could be accepted: list the accepted audiences.";
        }
        else if (Audiences.Any(string.IsNullOrEmpty))
        {
            yield return "Audiences contains an empty value.";
        }

        if (Audiences is not null && DangerouslyAcceptAnyAudience)
        {
            yield return "Audiences and DangerouslyAcceptAnyAudience are both set: keep Audiences and remove DangerouslyAcceptAnyAudience.";
        }

        if (TrustDomain is not null && !SpiffeSubject.IsTrustDomain(TrustDomain))
        {
            yield return $"TrustDomain '{TrustDomain}' is not a trust domain name (lowercase letters, digits, '.', '-', '_').";
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
