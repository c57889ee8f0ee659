using Postern.Identity;

namespace Postern.Core.Tests.Identity;

public sealed class PasswordsAndTotpTests
{
    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = Passwords.Hash("correct horse battery", 1000);
        Assert.StartsWith("$pbkdf2-sha256$i=1000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.True(Passwords.Verify(hash, "correct horse battery"));
        Assert.False(Passwords.Verify(hash, "correct horse batterx"));
        Assert.NotEqual(hash, Passwords.Hash("correct horse battery", 1000));
    }

    [Fact]
    public void New_hashes_use_the_full_cost()
    {
        var hash = Passwords.Hash("correct horse battery");
        Assert.StartsWith($"$pbkdf2-sha256$i={Passwords.Iterations}$", hash, StringComparison.Ordinal);
        Assert.True(Passwords.Verify(hash, "correct horse battery"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$pbkdf2-sha256$i=x$AAAA$AAAA")]
    [InlineData("$pbkdf2-sha256$i=1000$!!!$AAAA")]
    [InlineData("$md5$i=1000$AAAA$AAAA")]
    public void A_malformed_hash_verifies_nothing(string hash) => Assert.False(Passwords.Verify(hash, "anything"));

    [Fact]
    public void Weak_passwords_are_refused_with_a_reason()
    {
        Assert.Contains("at least 12", Passwords.CheckStrength("short"), StringComparison.Ordinal);
        Assert.NotNull(Passwords.CheckStrength(new string(' ', 20)));
        Assert.Null(Passwords.CheckStrength("a long enough passphrase"));
    }

    // RFC 6238 appendix B, SHA-1: the secret is the ASCII "12345678901234567890"; the RFC gives 8 digits, of which
    // a 6-digit code is the last 6.
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    public void Codes_match_the_rfc_6238_vectors(long unixSeconds, string expected)
    {
        const string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        Assert.Equal(expected, Totp.Code(secret, at));
        Assert.True(Totp.Verify(secret, expected, at, out var step));
        Assert.Equal(unixSeconds / 30, step);
    }

    [Fact]
    public void Verify_allows_one_step_of_drift_and_no_more()
    {
        var secret = Totp.NewSecret();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var code = Totp.Code(secret, now);
        Assert.True(Totp.Verify(secret, code, now.AddSeconds(30), out _));
        Assert.True(Totp.Verify(secret, code, now.AddSeconds(-30), out _));
        Assert.False(Totp.Verify(secret, code, now.AddSeconds(90), out _));
        Assert.False(Totp.Verify(secret, "12345", now, out _));
        Assert.False(Totp.Verify("not base32!", code, now, out _));
        Assert.StartsWith("otpauth://totp/Postern:alice?secret=" + secret, Totp.ProvisioningUri(secret, "alice", "Postern"), StringComparison.Ordinal);
    }

    [Fact]
    public void Printing_a_user_never_shows_secrets()
    {
        var user = new User { Name = "alice", PasswordHash = "$pbkdf2-sha256$i=1$c2FsdA==$aGFzaA==", LegacyTotpSecret = "JBSWY3DPEHPK3PXP" };
        var text = user.ToString();
        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.Contains("HasPassword = True", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("JBSWY3DPEHPK3PXP", text, StringComparison.Ordinal);
    }
}
