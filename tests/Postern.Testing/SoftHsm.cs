using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Postern.Testing;

/// <summary>
/// SoftHSM2 for the tests (installed by tests/setup/softhsm.sh): a token folder of the test process's own,
/// named by <c>SOFTHSM2_CONF</c>, holding tokens made with <c>softhsm2-util</c>, one for each test.
/// </summary>
/// <remarks>
/// SoftHSM reads its configuration and lists its tokens when the module is initialised, and does not see
/// a token another process makes later. So every token is made at first use, before any test can load the
/// module (each reaches it through <see cref="Module"/>), and tests take them from the pool.
/// </remarks>
public static class SoftHsm
{
    // Not digits: a digit-only PIN may turn up by chance in a message (slot ids, key ids) that must not echo it.
    public const string UserPin = "user-pin-Qx7";
    public const string SecurityOfficerPin = "so-pin-Vt3";

    // More than the tests of one project take.
    private const int TokenCount = 24;

    private static readonly Lazy<(string Module, ConcurrentQueue<string> Free)> Ready = new(Prepare);

    /// <summary>The module's path.</summary>
    public static string Module => Ready.Value.Module;

    /// <summary>A token no other test has used, with user PIN <see cref="UserPin"/>; returns its label.</summary>
    public static string TakeToken() => Ready.Value.Free.TryDequeue(out var label)
        ? label
        : throw new InvalidOperationException($"all {TokenCount} SoftHSM tokens are taken: raise SoftHsm.TokenCount");

    private static (string, ConcurrentQueue<string>) Prepare()
    {
        var module = new[] { "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so" }
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("SoftHSM2 is not installed (no libsofthsm2.so): run tests/setup/softhsm.sh");

        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "postern-softhsm-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var tokens = Directory.CreateDirectory(Path.Combine(folder, "tokens")).FullName;
        var config = Path.Combine(folder, "softhsm2.conf");
        File.WriteAllText(config, $"""
            directories.tokendir = {tokens}
            objectstore.backend = file
            log.level = ERROR
            slots.removable = false
            """);

        // The module reads the C environment, which Environment.SetEnvironmentVariable leaves alone on Unix.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", config);
        if (SetNativeEnvironmentVariable("SOFTHSM2_CONF", config, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed");
        }

        var free = new ConcurrentQueue<string>();
        for (var i = 1; i <= TokenCount; i++)
        {
            var label = $"postern-{i:D2}";
            InitToken(config, label);
            free.Enqueue(label);
        }

        return (module, free);
    }

    private static void InitToken(string config, string label)
    {
        var start = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--init-token", "--free", "--label", label, "--pin", UserPin, "--so-pin", SecurityOfficerPin })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SOFTHSM2_CONF"] = config;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"softhsm2-util --init-token --label {label} failed: {error}{output.Result}");
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironmentVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
