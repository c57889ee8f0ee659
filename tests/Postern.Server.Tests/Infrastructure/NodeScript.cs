using System.Diagnostics;
using System.Text.Json;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>Runs one of the Node.js interoperability scripts in <c>tests/interop</c> and reads its JSON answer.</summary>
internal static class NodeScript
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

    /// <summary>Runs <paramref name="script"/> as another Unix user (with <c>setpriv</c>; the tests run as root).</summary>
    public static Task<(int ExitCode, JsonElement Answer)> RunAsUserAsync(uint uid, uint gid, string script, params string[] args)
    {
        var start = new ProcessStartInfo("setpriv");
        foreach (var arg in (string[])[$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "node", script])
        {
            start.ArgumentList.Add(arg);
        }

        return RunAsync(start, $"node {script} as uid {uid}", args);
    }

    private static async Task<(int ExitCode, JsonElement Answer)> RunAsync(ProcessStartInfo start, string description, string[] args)
    {
        start.WorkingDirectory = RepoPaths.Interop;
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
