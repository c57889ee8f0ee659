using System.Text;
using Postern.Authority;
using Postern.Identity;
using Postern.Resources;

namespace Postern.Core.Tests.Identity;

public sealed class SecondFactorSecretsTests
{
    [Fact]
    public void A_sealed_totp_secret_opens_only_with_its_key_and_for_its_user()
    {
        var kek = KeyEncryptionKey.Generate();
        var secret = Totp.NewSecret();
        var sealedSecret = SealedTotpSecret.Seal(kek, "alice", secret);

        Assert.Equal(secret, SealedTotpSecret.Open(kek, "alice", sealedSecret));
        Assert.DoesNotContain(secret, SealedTotpSecret.Format(sealedSecret), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(sealedSecret, SealedTotpSecret.Parse(SealedTotpSecret.Format(sealedSecret)));
        Assert.Null(SealedTotpSecret.Open(kek, "bob", sealedSecret));
        Assert.Null(SealedTotpSecret.Open(KeyEncryptionKey.Generate(), "alice", sealedSecret));
        Assert.Null(SealedTotpSecret.Parse("no-dot"));
    }

    [Fact]
    public void Recovery_codes_are_ten_distinct_80_bit_codes_found_by_hash_in_any_spelling()
    {
        var codes = RecoveryCodes.Generate();
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$", code));
        Assert.All(codes, code => Assert.True(RecoveryCodes.LooksLikeCode(code)));

        var hashes = codes.Select(RecoveryCodes.Hash).ToArray();
        Assert.All(hashes, hash => Assert.DoesNotContain(codes[0], hash, StringComparison.Ordinal));
        Assert.Equal(3, RecoveryCodes.Find(hashes, codes[3]));
        Assert.Equal(3, RecoveryCodes.Find(hashes, codes[3].ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.Equal(-1, RecoveryCodes.Find(hashes, "AAAA-AAAA-AAAA-AAAA"));
        Assert.False(RecoveryCodes.LooksLikeCode("123456"));
    }

    [Fact]
    public void A_stored_record_with_a_plain_secret_still_reads_as_a_legacy_secret()
    {
        const string Stored = """{"kind":"user","version":"v1","metadata":{"name":"old"},"spec":{"roles":["access"],"traits":{},"password_hash":null,"totp_secret":"JBSWY3DPEHPK3PXP","created_at":"2025-01-01T00:00:00.0000000+00:00"}}""";
        var user = Assert.IsType<UserResource>(ResourceJson.Deserialize("user", Encoding.UTF8.GetBytes(Stored))).User;
        Assert.Equal("JBSWY3DPEHPK3PXP", user.LegacyTotpSecret);
        Assert.Null(user.TotpSecret);
        Assert.True(user.HasTotp);
        Assert.DoesNotContain("JBSWY3DPEHPK3PXP", ResourceYaml.Render(UserResource.Of(user)), StringComparison.Ordinal);
    }
}
