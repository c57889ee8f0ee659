using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Postern.AppAccess;
using Postern.Authority;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// The assertions <c>postern doctor app</c> sends an app: the genuine one, and forgeries an app that verifies the
/// assertion must refuse. None can be used elsewhere: each lives a minute, the genuine one is audited as issued, and
/// those signed by Postern's key are wrong on purpose (expired, for an audience no app has, from another issuer).
/// </summary>
internal sealed class ForgedAssertions(TokenSigner signer, CertAuthorities authorities, WebSettings settings, AssertionMinter minter, TimeProvider time)
{
    /// <summary>How long the genuine probe's assertion lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>An audience no app can have (<c>.invalid</c> is reserved, RFC 6761).</summary>
    public const string StrangerAudience = "https://another-app.postern-doctor.invalid";

    /// <summary>The genuine assertion and the probes, the genuine one first.</summary>
    public (SignedToken Genuine, IReadOnlyList<AssertionProbe> Probes) For(AppEntry app, User user)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var carried = AssertionClaims.For(user, app.Config.Rewrite);
        Dictionary<string, object> Claims(Action<Dictionary<string, object>>? change = null)
        {
            var claims = minter.Claims(app, user, carried);
            claims["nbf"] = now - AssertionMinter.NotBeforeSkew;
            claims["exp"] = now + Lifetime;
            claims["iat"] = now;
            claims["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            change?.Invoke(claims);
            return claims;
        }

        var genuine = signer.Sign(CertAuthorityType.Jwt, Claims());
        var expired = Claims(c =>
        {
            c["iat"] = now - TimeSpan.FromHours(2);
            c["nbf"] = now - TimeSpan.FromHours(2) - AssertionMinter.NotBeforeSkew;
            c["exp"] = now - TimeSpan.FromHours(1);
        });
        var impostor = Claims(c => c["sub"] = c["username"] = "postern-doctor-impostor");
        return (genuine,
        [
            new("genuine", "the genuine assertion", [genuine.Value]),
            new("no_assertion", "no assertion", []),
            new("tampered_signature", "the genuine assertion with one character of its signature changed", [Tampered(genuine.Value)]),
            new("alg_none", "an unsigned token (alg: none)", [Unsigned(Payload(Claims()))]),
            new("expired", "a token signed by Postern's key that expired an hour ago", [signer.Sign(CertAuthorityType.Jwt, expired).Value]),
            new("other_audience", $"a token signed by Postern's key for another audience ({StrangerAudience})", [signer.Sign(CertAuthorityType.Jwt, Claims(c => c["aud"] = StrangerAudience)).Value]),
            new("wrong_issuer", "a token signed by Postern's key from another issuer", [signer.Sign(CertAuthorityType.Jwt, Claims(c => c["iss"] = settings.ClusterName + ".postern-doctor.invalid")).Value]),
            new("unknown_key", "a token signed by a key not in the key set, naming the signing key's kid", [SignedByStranger(Payload(Claims()))]),
            new("second_header", "two assertions in the header: an impostor's (signed by a stranger key) before the genuine one", [SignedByStranger(Payload(impostor)), genuine.Value]),
        ]);
    }

    /// <summary>The base64url payload <paramref name="claims"/> make, as Postern writes it (the token signed for it is dropped).</summary>
    private string Payload(Dictionary<string, object> claims) => signer.Sign(CertAuthorityType.Jwt, claims).Value.Split('.')[1];

    private static string Tampered(string token)
    {
        var signature = token.LastIndexOf('.') + 1;
        var changed = token[signature] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, signature), [changed], token.AsSpan(signature + 1));
    }

    private static string Unsigned(string payload) => $"{Header(new { alg = "none", typ = "JWT" })}.{payload}.";

    /// <summary>Signs <paramref name="payload"/> with a key made now and thrown away, under the header of Postern's signing key.</summary>
    private string SignedByStranger(string payload)
    {
        var authority = authorities.Get(CertAuthorityType.Jwt);
        var alg = authority.SigningCredentials.Algorithm;
        var input = $"{Header(new { alg, kid = authority.SigningKid, typ = "JWT" })}.{payload}";
        var bytes = Encoding.ASCII.GetBytes(input);
        byte[] signature;
        if (alg.StartsWith("ES", StringComparison.Ordinal))
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            signature = ec.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        else
        {
            using var rsa = RSA.Create(2048);
            signature = rsa.SignData(bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return input + "." + Base64Url.EncodeToString(signature);
    }

    private static string Header(object header) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header));
}
