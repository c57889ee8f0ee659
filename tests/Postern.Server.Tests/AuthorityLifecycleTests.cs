using System.Security.Cryptography;
using Postern.Authority;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary>Both authorities survive restarts, and a missing or wrong key-encryption key stops start without touching the store.</summary>
public sealed class AuthorityLifecycleTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string KekPath => _dir.File("kek");

    private async Task<(string Jwt, string Workload)> StartAndStopAsync(Func<string, string?>? environment = null)
    {
        await using var server = await TestPostern.StartAsync(_dir.Path, environment: environment);
        return (server.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, server.Host.Authorities.Get(CertAuthorityType.Workload).SigningKid);
    }

    /// <summary>A fingerprint of every file of the data folder but the generated TLS certificate.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}tls{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(_dir.Path, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task A_restart_keeps_both_authorities_kids()
    {
        var first = await StartAndStopAsync();

        var second = await StartAndStopAsync();

        Assert.Equal(first, second);
        Assert.True(File.Exists(KekPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KekPath));
    }

    [Fact]
    public async Task A_deleted_key_encryption_key_stops_start_with_a_clear_message_and_changes_nothing()
    {
        await StartAndStopAsync();
        File.Delete(KekPath);
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => StartAndStopAsync());

        Assert.Contains("there is no key-encryption key at " + KekPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("will not make new keys", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KekPath));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_changed_key_encryption_key_stops_start_naming_both_key_ids_and_changes_nothing()
    {
        await StartAndStopAsync();
        var original = File.ReadAllText(KekPath);
        KeyEncryptionKey.TryParse(original, out var originalKek, out _);
        var replacement = KeyEncryptionKey.Generate();
        File.WriteAllText(KekPath, replacement.Format());
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => StartAndStopAsync());

        Assert.Contains($"(id {replacement.Id}) is not the one that sealed", error.Message, StringComparison.Ordinal);
        Assert.Contains(originalKek!.Id, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());

        File.WriteAllText(KekPath, original);
        await StartAndStopAsync();
    }

    [Fact]
    public async Task A_malformed_key_file_is_named_and_nothing_starts()
    {
        await StartAndStopAsync();
        File.WriteAllText(KekPath, "postern-kek-v1:tooshort");
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => StartAndStopAsync());

        Assert.Contains(KekPath + " holds", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task The_key_may_come_from_POSTERN_KEK_instead_of_the_file()
    {
        var kek = KeyEncryptionKey.Generate().Format();
        string? Environment(string name) => name == "POSTERN_KEK" ? kek : null;

        var first = await StartAndStopAsync(Environment);
        var second = await StartAndStopAsync(Environment);

        Assert.Equal(first, second);
        Assert.False(File.Exists(KekPath));
        var wrong = KeyEncryptionKey.Generate().Format();
        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => StartAndStopAsync(name => name == "POSTERN_KEK" ? wrong : null));
        Assert.Contains("$POSTERN_KEK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_keys_are_not_in_the_store_in_clear()
    {
        await using (var server = await TestPostern.StartAsync(_dir.Path))
        {
            var authority = server.Host.Authorities.Get(CertAuthorityType.Jwt);
            var rsa = ((Microsoft.IdentityModel.Tokens.RsaSecurityKey)authority.SigningCredentials.Key).Rsa;
            var privateExponent = rsa.ExportParameters(true).D!;
            var stored = Directory.EnumerateFiles(_dir.Path, "postern.db*").SelectMany(File.ReadAllBytes).ToArray();

            Assert.True(stored.Length > 0);
            Assert.Equal(-1, stored.AsSpan().IndexOf(privateExponent.AsSpan(0, 32)));
            Assert.Equal(-1, stored.AsSpan().IndexOf(rsa.ExportPkcs8PrivateKey().AsSpan(0, 64)));
        }
    }
}
