namespace Postern.Verification;

/// <summary>
/// Why a token was rejected. The values are stable: log them, count them, branch on them.
/// The first check that fails decides the code; <see cref="PosternTokenValidator"/> lists
/// the order of the checks.
/// </summary>
public enum TokenRejection
{
    /// <summary>
    /// The token is not a compact JWS of three base64url segments with a JSON header and
    /// payload, or a claim has the wrong JSON type (the message names it). Encrypted (JWE)
    /// tokens land here too.
    /// </summary>
    Malformed = 1,

    /// <summary>
    /// The header's <c>alg</c> is not one of the allowed algorithms (RS256, ES256, or fewer
    /// if narrowed). <c>none</c> and HMAC algorithms always land here, before any key is used.
    /// </summary>
    AlgorithmNotAllowed = 2,

    /// <summary>The header has no <c>kid</c>, so no key can be chosen.</summary>
    MissingKeyId = 3,

    /// <summary>The key set holds no key with the header's <c>kid</c>, even after a refetch.</summary>
    UnknownKeyId = 4,

    /// <summary>
    /// The signature does not verify with the named key, or the key is not for the header's
    /// algorithm.
    /// </summary>
    InvalidSignature = 5,

    /// <summary>The <c>iss</c> claim is not the configured issuer.</summary>
    InvalidIssuer = 6,

    /// <summary>None of the <c>aud</c> values is an accepted audience.</summary>
    InvalidAudience = 7,

    /// <summary>
    /// The <c>exp</c> claim, plus the allowed clock skew, is not in the future: refused when
    /// <c>now &gt;= exp + ClockSkew</c>. The same rule for every token, JWT-SVIDs included.
    /// </summary>
    Expired = 8,

    /// <summary>
    /// The <c>nbf</c> claim, minus the allowed clock skew, is still ahead: refused when
    /// <c>now &lt; nbf - ClockSkew</c>. Checked whenever the token has <c>nbf</c>, JWT-SVIDs included.
    /// </summary>
    NotYetValid = 9,

    /// <summary>
    /// A required claim is absent (or null): <c>exp</c>, <c>sub</c>, <c>aud</c> when audiences
    /// are configured, and <c>iss</c> (for a JWT-SVID, only when an issuer is configured).
    /// </summary>
    MissingClaim = 10,

    /// <summary>
    /// No key set has been fetched yet (the key set address failed, or answered with more than
    /// <see cref="JsonWebKeySetCacheOptions.MaximumResponseSize"/>), so nothing can be verified; the message says why.
    /// </summary>
    KeySetUnavailable = 11,

    /// <summary>
    /// JWT-SVID validation only: the <c>sub</c> claim is not a SPIFFE ID, belongs to another
    /// trust domain, or names a trust domain rather than a workload (no path).
    /// </summary>
    InvalidSubject = 12,

    /// <summary>JWT-SVID validation only: the header's <c>typ</c> is present and neither <c>JWT</c> nor <c>JOSE</c>.</summary>
    InvalidType = 13,

    /// <summary>
    /// The cached key set went stale and could not be refreshed for longer than
    /// <see cref="JsonWebKeySetCacheOptions.MaximumStaleness"/>: its keys are no longer trusted
    /// (a key withdrawn meanwhile could otherwise verify tokens indefinitely). The message says
    /// why the last refresh failed; tokens are accepted again once a refresh succeeds.
    /// </summary>
    KeySetStale = 14,
}
