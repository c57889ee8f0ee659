using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Postern.Verification;

/// <summary>
/// Verifies Postern's tokens — app access assertions (<c>Teleport-Jwt-Assertion</c>) and
/// workload JWT-SVIDs (see <see cref="PosternTokenValidatorOptions.TrustDomain"/>) — against
/// a key set, fetched and cached (<see cref="JsonWebKeySetCache"/>) or held in memory
/// (<see cref="KeySet"/>, e.g. a SPIFFE bundle), and reads the identity they carry.
/// </summary>
/// <remarks>
/// Checks, in order: three base64url segments; a JSON header whose <c>alg</c> is allowed
/// (before any key is touched, so <c>none</c> and HMAC tokens never reach a key); for a
/// JWT-SVID, <c>typ</c>; a <c>kid</c>; the key, refetching a cached key set once for an
/// unknown <c>kid</c> (and refusing a key set that could not be refreshed within its staleness horizon); the signature, with the key's own algorithm; the claims' JSON types;
/// then <c>iss</c>, <c>aud</c>, <c>exp</c> and <c>nbf</c> (with the clock skew: refused when
/// <c>now &gt;= exp + skew</c> or <c>now &lt; nbf - skew</c>), <c>sub</c>, and for a JWT-SVID
/// that <c>sub</c> is a workload's SPIFFE ID in the trust domain.
/// Safe for concurrent use; create one per key set and configuration.
/// </remarks>
public sealed class PosternTokenValidator
{
    private readonly IKeySource _keySet;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly FrozenSet<string> _allowedAlgorithms;
    private readonly FrozenSet<string>? _audiences;

    /// <summary>Creates a validator of the tokens signed by the keys in <paramref name="keySet"/>.</summary>
    /// <param name="keySet">Postern's key set: the app access key set or the workload identity key set.</param>
    /// <param name="options">The expected issuer and audiences, the clock skew and the allowed algorithms.</param>
    /// <param name="timeProvider">The clock <c>exp</c> and <c>nbf</c> are checked against.</param>
    /// <param name="logger">Where accepted and rejected tokens are logged, by <c>kid</c> and <c>jti</c>.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem.</exception>
    public PosternTokenValidator(
        JsonWebKeySetCache keySet,
        PosternTokenValidatorOptions options,
        TimeProvider timeProvider,
        ILogger<PosternTokenValidator>? logger = null)
        : this((IKeySource)keySet, options, timeProvider, logger)
    {
    }

    /// <inheritdoc cref="PosternTokenValidator(JsonWebKeySetCache, PosternTokenValidatorOptions, TimeProvider, ILogger{PosternTokenValidator})"/>
    /// <summary>
    /// Creates a validator of the tokens signed by the keys in <paramref name="keySet"/>, a key set
    /// held in memory: a SPIFFE bundle, with <see cref="PosternTokenValidatorOptions.TrustDomain"/> set.
    /// </summary>
    public PosternTokenValidator(KeySet keySet, PosternTokenValidatorOptions options, TimeProvider timeProvider, ILogger<PosternTokenValidator>? logger = null)
        : this((IKeySource)keySet, options, timeProvider, logger)
    {
    }

    private PosternTokenValidator(IKeySource keySet, PosternTokenValidatorOptions options, TimeProvider timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _keySet = keySet;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _allowedAlgorithms = options.AllowedAlgorithms.ToFrozenSet(StringComparer.Ordinal);
        _audiences = options.Audiences?.ToFrozenSet(StringComparer.Ordinal);
        Options = options;
    }

    /// <summary>The options this validator was created with.</summary>
    public PosternTokenValidatorOptions Options { get; }

    /// <summary>
    /// Verifies <paramref name="token"/> and reads its identity. A bad token is a rejected
    /// result, never an exception.
    /// </summary>
    /// <param name="token">The compact JWS, as received (e.g. the <c>Teleport-Jwt-Assertion</c> header).</param>
    /// <param name="cancellationToken">Stops waiting for a key set fetch.</param>
    /// <returns>The identity, or the rejection and what was wrong.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the key set was fetched.</exception>
    public async ValueTask<PosternTokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (rejected, jws, keyId) = await VerifyUpToSignatureAsync(token, cancellationToken).ConfigureAwait(false);
        if (rejected is not null)
        {
            return rejected;
        }

        if (!TokenClaims.TryRead(jws.Payload, out var claims, out var error))
        {
            return Reject(TokenRejection.Malformed, error, keyId);
        }

        return CheckClaims(claims, keyId!);
    }

    /// <summary>
    /// Every check up to and including the signature, none of the claims: null when the signature
    /// verifies. The first half of <see cref="ValidateAsync"/>; the Wycheproof JWS vectors, whose
    /// payloads are not claim sets, are run through it.
    /// </summary>
    internal async ValueTask<PosternTokenValidationResult?> VerifySignatureAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return (await VerifyUpToSignatureAsync(token, cancellationToken).ConfigureAwait(false)).Rejected;
    }

    private async ValueTask<(PosternTokenValidationResult? Rejected, CompactJws Jws, string? KeyId)> VerifyUpToSignatureAsync(
        string token, CancellationToken cancellationToken)
    {
        if (!TryReadStructure(token, out var jws, out var header, out var rejected))
        {
            return (rejected, jws, null);
        }

        var keyId = header.KeyId!;
        var lookup = await _keySet.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        var problem = lookup.Status switch
        {
            KeyLookupStatus.KeySetUnavailable => Reject(TokenRejection.KeySetUnavailable,
                $"Could not fetch {_keySet.Description}, so no token can be verified: {lookup.Detail ?? "the log says why"}.", keyId),
            KeyLookupStatus.KeySetStale => Reject(TokenRejection.KeySetStale, lookup.Detail!, keyId),
            KeyLookupStatus.UnknownKeyId => Reject(TokenRejection.UnknownKeyId,
                $"No key with kid {UntrustedText.Quote(keyId)} in {_keySet.Description}.", keyId),
            _ => CheckSignature(jws, header, lookup.Key!),
        };
        return (problem, jws, keyId);
    }

    /// <summary>Everything that can be checked before a key is looked up.</summary>
    private bool TryReadStructure(string token, out CompactJws jws, out JoseHeader header, out PosternTokenValidationResult rejected)
    {
        header = default;
        rejected = null!;
        if (!CompactJws.TrySplit(token, out jws, out var error) || !JoseHeader.TryParse(jws.Header, out header, out error))
        {
            rejected = Reject(TokenRejection.Malformed, error);
            return false;
        }

        if (!_allowedAlgorithms.Contains(header.Algorithm))
        {
            rejected = Reject(TokenRejection.AlgorithmNotAllowed,
                $"The token's algorithm {UntrustedText.Quote(header.Algorithm)} is not allowed; accepted: {string.Join(", ", _allowedAlgorithms.Order(StringComparer.Ordinal))}.");
            return false;
        }

        if (Options.TrustDomain is not null && header.Type is not (null or "JWT" or "JOSE"))
        {
            rejected = Reject(TokenRejection.InvalidType,
                $"The token's typ {UntrustedText.Quote(header.Type)} is not a JWT-SVID's: it is JWT, JOSE, or absent.", header.KeyId);
            return false;
        }

        if (string.IsNullOrEmpty(header.KeyId))
        {
            rejected = Reject(TokenRejection.MissingKeyId, "The token's header has no 'kid', so no key can be chosen to verify it.");
            return false;
        }

        // An empty payload is checked as a signature like any other (RFC 7515 allows it; Wycheproof
        // json_web_signature #259 is one) and then refused as Malformed: it holds no claims.
        if (!Base64UrlSegment.IsValid(jws.Payload) || !Base64UrlSegment.IsValid(jws.Signature))
        {
            rejected = Reject(TokenRejection.Malformed, "The token's payload or signature segment is not canonical base64url (A-Z, a-z, 0-9, '-', '_'; no padding; the last character's unused bits zero).", header.KeyId);
            return false;
        }

        return true;
    }

    private PosternTokenValidationResult? CheckSignature(CompactJws jws, JoseHeader header, VerificationKey key)
    {
        if (key.Algorithm != header.Algorithm)
        {
            return Reject(TokenRejection.InvalidSignature,
                $"The key {UntrustedText.Quote(key.KeyId)} verifies {key.Algorithm}, but the token says {header.Algorithm}.", key.KeyId);
        }

        return VerifySignature(jws, key)
            ? null
            : Reject(TokenRejection.InvalidSignature, $"The token's signature does not verify with the key {UntrustedText.Quote(key.KeyId)}.", key.KeyId);
    }

    private static bool VerifySignature(CompactJws jws, VerificationKey key)
    {
        var signature = Base64UrlSegment.Decode(jws.Signature);
        var input = jws.SigningInput;
        var signed = ArrayPool<byte>.Shared.Rent(input.Length);
        try
        {
            // The segments were checked as base64url, so the characters are ASCII.
            var length = Encoding.ASCII.GetBytes(input, signed);
            return key.Verify(signed, length, signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
    }

    private PosternTokenValidationResult CheckClaims(TokenClaims claims, string keyId)
    {
        var tokenId = claims.TokenId;
        // A JWT-SVID need not carry iss (the SPIFFE JWT-SVID specification requires sub, aud and exp).
        if (claims.Issuer is null && (Options.TrustDomain is null || Options.Issuer is not null))
        {
            return Reject(TokenRejection.MissingClaim, "The token has no 'iss' claim.", keyId, tokenId);
        }

        if (Options.Issuer is { } issuer && claims.Issuer is { } actual && !string.Equals(actual, issuer, StringComparison.Ordinal))
        {
            return Reject(TokenRejection.InvalidIssuer,
                $"The token's issuer {UntrustedText.Quote(actual)} is not the expected issuer {UntrustedText.Quote(issuer)}.", keyId, tokenId);
        }

        if (_audiences is not null && CheckAudience(claims.Audiences, _audiences) is { } audienceProblem)
        {
            return Reject(audienceProblem.Rejection, audienceProblem.Message, keyId, tokenId);
        }

        var now = _timeProvider.GetUtcNow();
        if (claims.ExpiresAt is not { } expiresAt)
        {
            return Reject(TokenRejection.MissingClaim, "The token has no 'exp' claim; Postern's tokens always expire.", keyId, tokenId);
        }

        if (now >= expiresAt + Options.ClockSkew)
        {
            return Reject(TokenRejection.Expired,
                $"The token expired at {Format(expiresAt)}; it is now {Format(now)} and the allowed clock skew is {Options.ClockSkew}.", keyId, tokenId);
        }

        if (claims.NotBefore is { } notBefore && now < notBefore - Options.ClockSkew)
        {
            return Reject(TokenRejection.NotYetValid,
                $"The token is not valid before {Format(notBefore)}; it is now {Format(now)} and the allowed clock skew is {Options.ClockSkew}.", keyId, tokenId);
        }

        if (string.IsNullOrEmpty(claims.Subject))
        {
            return Reject(TokenRejection.MissingClaim, "The token has no 'sub' claim.", keyId, tokenId);
        }

        if (Options.TrustDomain is { } trustDomain && SpiffeSubject.Problem(claims.Subject, trustDomain) is { } subjectProblem)
        {
            return Reject(TokenRejection.InvalidSubject, subjectProblem, keyId, tokenId);
        }

        _logger.TokenValidated(tokenId, keyId);
        return PosternTokenValidationResult.Accepted(new PosternIdentity
        {
            Subject = claims.Subject,
            UserName = string.IsNullOrEmpty(claims.UserName) ? claims.Subject : claims.UserName,
            Roles = claims.Roles,
            Traits = claims.Traits,
            Audiences = claims.Audiences ?? [],
            Issuer = claims.Issuer ?? "",
            ExpiresAt = expiresAt,
            IssuedAt = claims.IssuedAt,
            NotBefore = claims.NotBefore,
            TokenId = tokenId,
            KeyId = keyId,
            Claims = claims.Raw,
        });
    }

    private static (TokenRejection Rejection, string Message)? CheckAudience(IReadOnlyList<string>? audiences, FrozenSet<string> acceptedAudiences)
    {
        if (audiences is null || audiences.Count == 0)
        {
            return (TokenRejection.MissingClaim, $"The token has no 'aud' claim; accepted: {Describe(acceptedAudiences.Order(StringComparer.Ordinal))}.");
        }

        foreach (var audience in audiences)
        {
            if (acceptedAudiences.Contains(audience))
            {
                return null;
            }
        }

        return (TokenRejection.InvalidAudience,
            $"None of the token's audiences ({Describe(audiences)}) is accepted; accepted: {Describe(acceptedAudiences.Order(StringComparer.Ordinal))}.");
    }

    private PosternTokenValidationResult Reject(TokenRejection rejection, string message, string? keyId = null, string? tokenId = null)
    {
        _logger.TokenRejected(tokenId, keyId, rejection, message);
        return PosternTokenValidationResult.Rejected(rejection, message);
    }

    private static string Describe(IEnumerable<string> values)
    {
        const int Shown = 5;
        var list = values.Take(Shown + 1).Select(UntrustedText.Quote).ToList();
        return list.Count > Shown ? string.Join(", ", list.Take(Shown)) + ", …" : string.Join(", ", list);
    }

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
