using System.Security.Claims;

namespace Postern.Verification;

/// <summary>
/// The claims identity of an accepted assertion, carrying the typed <see cref="PosternIdentity"/>
/// along wherever the principal goes (see <see cref="PosternPrincipalExtensions"/>).
/// Claims: the user name (<see cref="ClaimTypes.Name"/>), the subject
/// (<see cref="ClaimTypes.NameIdentifier"/>), one <see cref="ClaimTypes.Role"/> per role and
/// one <c>trait:&lt;name&gt;</c> per trait value, all issued by the token's issuer.
/// </summary>
internal sealed class PosternClaimsIdentity : ClaimsIdentity
{
    public PosternClaimsIdentity(PosternIdentity token, string authenticationType)
        : base(ClaimsOf(token), authenticationType, ClaimTypes.Name, ClaimTypes.Role)
    {
        Token = token;
    }

    private PosternClaimsIdentity(PosternClaimsIdentity other)
        : base(other)
    {
        Token = other.Token;
    }

    public PosternIdentity Token { get; }

    public override ClaimsIdentity Clone() => new PosternClaimsIdentity(this);

    private static IEnumerable<Claim> ClaimsOf(PosternIdentity token)
    {
        yield return new Claim(ClaimTypes.Name, token.UserName, ClaimValueTypes.String, token.Issuer);
        yield return new Claim(ClaimTypes.NameIdentifier, token.Subject, ClaimValueTypes.String, token.Issuer);
        foreach (var role in token.Roles)
        {
            yield return new Claim(ClaimTypes.Role, role, ClaimValueTypes.String, token.Issuer);
        }

        foreach (var (name, values) in token.Traits)
        {
            var type = PosternAssertionDefaults.TraitClaimTypePrefix + name;
            foreach (var value in values)
            {
                yield return new Claim(type, value, ClaimValueTypes.String, token.Issuer);
            }
        }
    }
}
