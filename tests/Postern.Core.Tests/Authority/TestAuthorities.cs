using Postern.Authority;

namespace Postern.Core.Tests.Authority;

/// <summary>Authorities made in memory for unit tests.</summary>
internal static class TestAuthorities
{
    public static CertAuthority Create(CertAuthorityType type, string alg, KeyEncryptionKey kek)
    {
        var keyring = new AuthorityKeyring(kek, "test", x509Ca: new X509CaProfile("test.example.com", TimeSpan.FromDays(365)));
        var key = keyring.Generate(type, alg, DateTimeOffset.UnixEpoch);
        var document = new CertAuthorityDocument { Type = type.Name(), SigningKid = key.Kid, Keys = [key] };
        return CertAuthority.Open(type, document, revision: 1, keyring);
    }

    public static CertAuthorities Both(string alg = SigningAlgorithm.RS256)
    {
        var kek = KeyEncryptionKey.Generate();
        var authorities = new CertAuthorities();
        foreach (var type in CertAuthorityTypes.All)
        {
            authorities.Set(Create(type, alg, kek));
        }

        return authorities;
    }
}
