using System.Runtime.InteropServices;
using Postern.Authority;
using Postern.Authority.Pkcs11;
using Postern.Configuration;
using Postern.Testing;

namespace Postern.Core.Tests.Authority.Pkcs11;

/// <summary>Each way a PKCS#11 section can be wrong is refused when the vaults open, with a message that says what to change.</summary>
/// <remarks>
/// The tests share one token, on which nothing logs in: a login that succeeded would hold for the whole
/// process, and a wrong PIN would then go unnoticed.
/// </remarks>
public sealed class Pkcs11StartErrorsTests : IDisposable
{
    private static readonly Lazy<string> Token = new(SoftHsm.TakeToken);
    private readonly string _folder = Directory.CreateTempSubdirectory("postern-pkcs11-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Cases => ["missing module", "not a library", "not a PKCS#11 module", "unknown label", "unknown slot", "unset PIN", "empty PIN", "wrong PIN"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_wrong_section_is_refused_with_a_message_that_names_the_problem(string name)
    {
        var token = Token.Value;
        var textFile = Path.Combine(_folder, "module.so");
        File.WriteAllText(textFile, "not a shared library");
        var notPkcs11 = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        var (config, pin, expected) = name switch
        {
            "missing module" => (Section(module: "/nonexistent/libpkcs11.so", label: token), SoftHsm.UserPin, "the PKCS#11 module /nonexistent/libpkcs11.so does not exist"),
            "not a library" => (Section(module: textFile, label: token), SoftHsm.UserPin, $"the PKCS#11 module {textFile} could not be loaded: "),
            "not a PKCS#11 module" => (Section(module: notPkcs11, label: token), SoftHsm.UserPin, $"{notPkcs11} is not a PKCS#11 module: it has no C_GetFunctionList"),
            "unknown label" => (Section(label: "no-such-token"), SoftHsm.UserPin, $"the PKCS#11 module {SoftHsm.Module} has no token labelled 'no-such-token' (it has '"),
            "unknown slot" => (Section(slot: 4_000_000_000), SoftHsm.UserPin, $"the PKCS#11 module {SoftHsm.Module} has no token in slot 4000000000 (it has '"),
            "unset PIN" => (Section(label: token), null, "the environment variable POSTERN_HSM_PIN (pin_env) is not set"),
            "empty PIN" => (Section(label: token), "", "the environment variable POSTERN_HSM_PIN (pin_env) is not set"),
            "wrong PIN" => (Section(label: token), "wrong-pin-Zk4", $"the PIN in $POSTERN_HSM_PIN is wrong for token '{token}'"),
            _ => throw new ArgumentException(name, nameof(name)),
        };

        var error = Assert.Throws<KeyEncryptionKeyException>(() => Pkcs11KeyVaults.Open(config, env => env == "POSTERN_HSM_PIN" ? pin : null));

        Assert.StartsWith("authorities.jwt.keys.pkcs11: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsm.UserPin, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pin-Zk4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_its_section()
    {
        var config = new AuthoritiesConfig
        {
            Jwt = new AuthorityConfig { Pkcs11 = new Pkcs11Config { Module = "/nonexistent/a.so", TokenLabel = "a", PinEnv = "JWT_PIN" } },
            Workload = new AuthorityConfig { Pkcs11 = new Pkcs11Config { Module = SoftHsm.Module, TokenLabel = "no-such-token", PinEnv = "WORKLOAD_PIN" } },
        };

        var error = Assert.Throws<KeyEncryptionKeyException>(() => Pkcs11KeyVaults.Open(config, _ => null));

        Assert.Contains("authorities.jwt.keys.pkcs11: the environment variable JWT_PIN (pin_env) is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("authorities.jwt.keys.pkcs11: the PKCS#11 module /nonexistent/a.so does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("authorities.workload.keys.pkcs11: the environment variable WORKLOAD_PIN (pin_env) is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("authorities.workload.keys.pkcs11: the PKCS#11 module " + SoftHsm.Module + " has no token labelled 'no-such-token'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_problem_in_both_sections_is_reported_once()
    {
        var section = new Pkcs11Config { Module = "/nonexistent/a.so", TokenLabel = "a", PinEnv = "PIN" };
        var config = new AuthoritiesConfig { Jwt = new AuthorityConfig { Pkcs11 = section }, Workload = new AuthorityConfig { Pkcs11 = section } };

        var error = Assert.Throws<KeyEncryptionKeyException>(() => Pkcs11KeyVaults.Open(config, _ => SoftHsm.UserPin));

        Assert.Equal("authorities.jwt.keys.pkcs11 and authorities.workload.keys.pkcs11: the PKCS#11 module /nonexistent/a.so does not exist", error.Message);
    }

    [Fact]
    public void Without_a_pkcs11_section_nothing_is_loaded()
    {
        using var vaults = Pkcs11KeyVaults.Open(new AuthoritiesConfig(), _ => throw new InvalidOperationException("no PIN is read"));

        Assert.Empty(vaults.ByAuthority);
    }

    private static AuthoritiesConfig Section(string? module = null, string? label = null, ulong? slot = null) => new()
    {
        Jwt = new AuthorityConfig { Pkcs11 = new Pkcs11Config { Module = module ?? SoftHsm.Module, TokenLabel = label, Slot = slot, PinEnv = "POSTERN_HSM_PIN" } },
    };
}
