using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.Authority;

namespace Postern.Core.Tests.Authority;

public sealed class AuthorityKeysTests
{
    [Fact]
    public void The_kid_is_the_RFC_7638_thumbprint_of_the_public_key()
    {
        var key = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.RS256, KeyEncryptionKey.Generate(), DateTimeOffset.UnixEpoch);
        // RFC 7638, section 3.2: the required members in lexicographic order, no white space.
        var canonical = $"{{\"e\":\"{key.PublicJwk["e"]}\",\"kty\":\"RSA\",\"n\":\"{key.PublicJwk["n"]}\"}}";

        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), key.Kid);
        Assert.Equal(43, key.Kid.Length);
    }

    [Fact]
    public void The_EC_kid_covers_crv_kty_x_y()
    {
        var key = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, KeyEncryptionKey.Generate(), DateTimeOffset.UnixEpoch);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{key.PublicJwk["x"]}\",\"y\":\"{key.PublicJwk["y"]}\"}}";

        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), key.Kid);
    }

    [Fact]
    public void A_sealed_key_is_bound_to_its_authority()
    {
        var kek = KeyEncryptionKey.Generate();
        var key = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.RS256, kek, DateTimeOffset.UnixEpoch);

        Assert.NotNull(AuthorityKeys.Open(CertAuthorityType.Jwt, key, kek));
        Assert.Null(AuthorityKeys.Open(CertAuthorityType.Workload, key, kek));
        Assert.Null(AuthorityKeys.Open(CertAuthorityType.Jwt, key, KeyEncryptionKey.Generate()));
    }

    [Fact]
    public void Opening_an_authority_with_the_wrong_key_names_both_key_ids()
    {
        var kek = KeyEncryptionKey.Generate();
        var key = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.RS256, kek, DateTimeOffset.UnixEpoch);
        var document = new CertAuthorityDocument { Type = "jwt", SigningKid = key.Kid, Keys = [key] };
        var wrong = KeyEncryptionKey.Generate();

        var error = Assert.Throws<KeyEncryptionKeyException>(() => CertAuthority.Open(CertAuthorityType.Jwt, document, 1, new AuthorityKeyring(wrong, "/data/kek")));

        Assert.Contains(wrong.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains(kek.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains("/data/kek", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_set_publishes_public_members_with_kid_alg_and_use()
    {
        var authority = TestAuthorities.Create(CertAuthorityType.Jwt, SigningAlgorithm.RS256, KeyEncryptionKey.Generate());

        var key = Assert.Single(JsonDocument.Parse(authority.KeySet.Json).RootElement.GetProperty("keys").EnumerateArray());

        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("AQAB", key.GetProperty("e").GetString());
        Assert.Equal(authority.SigningKid, key.GetProperty("kid").GetString());
        Assert.StartsWith("\"", authority.KeySet.ETag, StringComparison.Ordinal);
    }
}
