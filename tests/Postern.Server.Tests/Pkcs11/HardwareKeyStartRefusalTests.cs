using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Postern.Authority;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.Pkcs11;

/// <summary>
/// A server whose token, module or PIN is wrong does not start, says what to change, and leaves the
/// store as it was.
/// </summary>
public sealed class HardwareKeyStartRefusalTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HsmToken _token = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Cases =>
    [
        "a module that does not exist",
        "a module that is not a PKCS#11 library",
        "a wrong PIN",
        "an unset PIN variable",
        "an unknown token label",
        "a token that does not hold the stored keys",
        "a stored key deleted from the token",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_restart_with_a_wrong_token_setting_is_refused_with_a_clear_message_and_the_store_unchanged(string name)
    {
        AuthorityKey jwtKey;
        await using (var first = await TestPostern.StartAsync(_dir.Path, _token.Yaml(), HsmToken.Environment()))
        {
            jwtKey = first.Host.Authorities.Get(CertAuthorityType.Jwt).Document.Keys[0];
        }

        var notPkcs11 = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        var yaml = _token.Yaml();
        var environment = HsmToken.Environment();
        string expected;
        switch (name)
        {
            case "a module that does not exist":
                yaml = _token.Yaml(module: "/opt/hsm/missing.so");
                expected = "authorities.jwt.keys.pkcs11 and authorities.workload.keys.pkcs11: the PKCS#11 module /opt/hsm/missing.so does not exist";
                break;
            case "a module that is not a PKCS#11 library":
                yaml = _token.Yaml(module: notPkcs11);
                expected = $"{notPkcs11} is not a PKCS#11 module: it has no C_GetFunctionList";
                break;
            case "a wrong PIN":
                environment = HsmToken.Environment("wrong-pin-Zk4");
                expected = $"the PIN in $POSTERN_HSM_PIN is wrong for token '{_token.Label}'";
                break;
            case "an unset PIN variable":
                environment = HsmToken.Environment(null);
                expected = "the environment variable POSTERN_HSM_PIN (pin_env) is not set";
                break;
            case "an unknown token label":
                yaml = _token.Yaml(label: "no-such-token");
                expected = $"the PKCS#11 module {SoftHsm.Module} has no token labelled 'no-such-token' (it has '";
                break;
            case "a token that does not hold the stored keys":
                yaml = new HsmToken().Yaml();
                expected = $"the jwt authority's key {jwtKey.Kid} lives in the hardware token '{_token.Label}', but authorities.jwt.keys.pkcs11 does not name that token";
                break;
            case "a stored key deleted from the token":
                _token.Destroy(jwtKey);
                expected = $"the jwt authority's key {jwtKey.Kid} (CKA_ID {jwtKey.Pkcs11!.Id}, label '{jwtKey.Pkcs11.Label}') is not in token '{_token.Label}'";
                break;
            default:
                throw new ArgumentException(name, nameof(name));
        }

        var before = Snapshot();

        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => TestPostern.StartAsync(_dir.Path, yaml, environment));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsm.UserPin, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_first_start_with_a_wrong_PIN_makes_no_store_and_no_key()
    {
        var error = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => TestPostern.StartAsync(_dir.Path, _token.Yaml(), HsmToken.Environment("wrong-pin-Zk4")));

        Assert.Contains($"the PIN in $POSTERN_HSM_PIN is wrong for token '{_token.Label}'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task Postern_start_with_a_wrong_PIN_exits_1_naming_the_variable_and_the_token()
    {
        // The command line reads the real environment: a variable of this test's own.
        var pinEnv = "POSTERN_TEST_PIN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(pinEnv, "wrong-pin-Zk4");
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, $"""
            cluster_name: test.example.com
            listen_addr: 127.0.0.1:0
            data_dir: {_dir.File("data")}
            {_token.Yaml().Replace(HsmToken.PinEnv, pinEnv, StringComparison.Ordinal)}
            """);
        var (exit, output, errors) = await PosternProcess.RunCliAsync(null, "start", "--config", config);

        Environment.SetEnvironmentVariable(pinEnv, null);
        Assert.Equal(1, exit);
        Assert.Equal(
            $"postern: cannot start: authorities.jwt.keys.pkcs11 and authorities.workload.keys.pkcs11: the PIN in ${pinEnv} is wrong for token '{_token.Label}'{Environment.NewLine}",
            errors.ToString());
        Assert.DoesNotContain("wrong-pin-Zk4", errors.ToString() + output, StringComparison.Ordinal);
    }

    /// <summary>A fingerprint of every file of the data folder but the generated TLS certificate.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}tls{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(_dir.Path, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
