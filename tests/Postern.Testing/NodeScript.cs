using System.Diagnostics;
using System.Text.Json;

namespace Postern.Testing;

/// <summary>Runs one of the Node.js interoperability scripts in <c>tests/interop</c> and reads its JSON answer.</summary>
public static class NodeScript
{
    public static Task<(int ExitCode, JsonElement Answer)> RunAsync(string script, string? trustedCertificatePath, params string[] args)
    {
        var start = new ProcessStartInfo("node");
        start.ArgumentList.Add(script);
        if (trustedCertificatePath is not null)
        {
            start.Environment["NODE_EXTRA_CA_CERTS"] = trustedCertificatePath;
        }

        return RunAsync(start, $"node {script}", args);
    }

    // A copy of tests/interop (and the Workload API's .proto, which the scripts read beside it) that every user may
    // read: the checkout itself may sit in a folder only its owner can enter, as a `mktemp -d` clone does.
    private static readonly Lazy<string> InteropForEveryone = new(CopyInteropForEveryone);

    /// <summary>Runs <paramref name="script"/> as another Unix user (with <c>setpriv</c>; the tests run as root).</summary>
    public static Task<(int ExitCode, JsonElement Answer)> RunAsUserAsync(uint uid, uint gid, string script, params string[] args)
    {
        var start = new ProcessStartInfo("setpriv") { WorkingDirectory = InteropForEveryone.Value };
        foreach (var arg in (string[])[$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "node", script])
        {
            start.ArgumentList.Add(arg);
        }

        return RunAsync(start, $"node {script} as uid {uid}", args);
    }

    private static string CopyInteropForEveryone()
    {
        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "postern-interop-" + Guid.NewGuid().ToString("N")[..12]), Open).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        var interop = Path.Combine(root, "tests", "interop");
        foreach (var folder in Directory.EnumerateDirectories(RepoPaths.Interop, "*", SearchOption.AllDirectories).Prepend(RepoPaths.Interop))
        {
            Directory.CreateDirectory(Path.Combine(interop, Path.GetRelativePath(RepoPaths.Interop, folder)), Open);
        }

        foreach (var file in Directory.EnumerateFiles(RepoPaths.Interop, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(interop, Path.GetRelativePath(RepoPaths.Interop, file)));
        }

        var protos = Directory.CreateDirectory(Path.Combine(root, "src", "Postern.Agent", "Protos"), Open).FullName;
        File.Copy(Path.Combine(RepoPaths.Root, "src", "Postern.Agent", "Protos", "workload.proto"), Path.Combine(protos, "workload.proto"));
        return interop;
    }

    private static async Task<(int ExitCode, JsonElement Answer)> RunAsync(ProcessStartInfo start, string description, string[] args)
    {
        start.WorkingDirectory = start.WorkingDirectory.Length > 0 ? start.WorkingDirectory : RepoPaths.Interop;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = (await stdout).Trim();
        if (output.Length == 0)
        {
            throw new InvalidOperationException($"{description} printed nothing (exit {process.ExitCode}): {await stderr}");
        }

        return (process.ExitCode, JsonDocument.Parse(output).RootElement.Clone());
    }
}
