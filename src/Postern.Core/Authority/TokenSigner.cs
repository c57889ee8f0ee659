using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Authority;

/// <summary>
/// The one place that signs tokens: a claim set with an authority's signing key. The JOSE header
/// holds <c>alg</c>, <c>typ</c> and <c>kid</c> and nothing else; the payload holds exactly the
/// caller's claims, with <c>aud</c> always an array and timestamps as integer seconds.
/// </summary>
public sealed class TokenSigner(CertAuthorities authorities)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Signs <paramref name="claims"/> with the active key of <paramref name="type"/>.</summary>
    public SignedToken Sign(CertAuthorityType type, IReadOnlyDictionary<string, object> claims)
    {
        var authority = authorities.Get(type);
        var payload = new Dictionary<string, object>(claims.Count, StringComparer.Ordinal);
        foreach (var (name, value) in claims)
        {
            payload[name] = value switch
            {
                string audience when name == JwtRegisteredClaimNames.Aud => new[] { audience },
                DateTimeOffset time => time.ToUnixTimeSeconds(),
                DateTime => throw new ArgumentException($"claim '{name}': pass a DateTimeOffset or Unix seconds, not a DateTime", nameof(claims)),
                _ => value,
            };
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = authority.SigningCredentials,
            TokenType = "JWT",
        });
        return new SignedToken(token, authority.SigningKid);
    }
}
