using Postern.Authority;

namespace Postern.Core.Tests.Authority;

public sealed class KeyEncryptionKeyTests
{
    private static readonly byte[] Secret = "a private key, in PKCS#8"u8.ToArray();

    [Fact]
    public void A_sealed_key_opens_with_the_same_key_and_context()
    {
        var kek = KeyEncryptionKey.Generate();

        var sealedKey = kek.Seal(Secret, "ctx");

        Assert.Equal(kek.Id, sealedKey.KekId);
        Assert.Equal(Secret, kek.Open(sealedKey, "ctx"));
        Assert.DoesNotContain("private", sealedKey.Ciphertext, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_or_context_or_altered_data_does_not_open_it()
    {
        var kek = KeyEncryptionKey.Generate();
        var sealedKey = kek.Seal(Secret, "ctx");
        var other = KeyEncryptionKey.Generate();
        var chars = sealedKey.Ciphertext.ToCharArray();
        chars[20] = chars[20] == 'A' ? 'B' : 'A';

        Assert.Null(other.Open(sealedKey, "ctx"));
        Assert.Null(other.Open(sealedKey with { KekId = other.Id }, "ctx"));
        Assert.Null(kek.Open(sealedKey, "another context"));
        Assert.Null(kek.Open(sealedKey with { Ciphertext = new string(chars) }, "ctx"));
    }

    [Fact]
    public void The_text_form_round_trips()
    {
        var kek = KeyEncryptionKey.Generate();

        Assert.True(KeyEncryptionKey.TryParse(kek.Format() + "\n", out var parsed, out _));
        Assert.Equal(kek.Id, parsed!.Id);
        Assert.StartsWith("postern-kek-v1:", kek.Format(), StringComparison.Ordinal);
        Assert.Equal(15 + 43, kek.Format().Length);
    }

    [Theory]
    [InlineData("", "does not start with 'postern-kek-v1:'")]
    [InlineData("postern-kek-v1:AAAA", "holds 3 bytes instead of 32")]
    [InlineData("postern-kek-v1:!!!!", "is not base64url after the prefix")]
    public void A_malformed_text_form_is_refused_with_a_reason(string text, string reason)
    {
        Assert.False(KeyEncryptionKey.TryParse(text, out var kek, out var actual));
        Assert.Null(kek);
        Assert.Equal(reason, actual);
    }

    [Fact]
    public void The_key_file_is_created_with_mode_0600_and_read_back()
    {
        var dir = Path.Combine(Path.GetTempPath(), "postern-kek-" + Guid.NewGuid().ToString("N"));
        try
        {
            var source = new KeyEncryptionKeySource(dir, _ => null);
            Assert.Null(source.Load());

            var created = source.Create();

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(source.FilePath));
            }

            Assert.Equal(created.Id, source.Load()!.Id);
            Assert.Throws<IOException>(() => source.Create());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_environment_variable_wins_over_the_file_and_a_bad_one_is_named()
    {
        var kek = KeyEncryptionKey.Generate();
        var fromEnvironment = new KeyEncryptionKeySource("/nonexistent", name => name == "POSTERN_KEK" ? kek.Format() : null);
        var broken = new KeyEncryptionKeySource("/nonexistent", name => name == "POSTERN_KEK" ? "secret" : null);

        Assert.Equal(kek.Id, fromEnvironment.Load()!.Id);
        Assert.Equal("$POSTERN_KEK", fromEnvironment.Origin);
        var error = Assert.Throws<KeyEncryptionKeyException>(() => broken.Load());
        Assert.Contains("$POSTERN_KEK does not start with", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
