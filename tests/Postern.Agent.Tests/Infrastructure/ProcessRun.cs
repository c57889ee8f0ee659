using System.Diagnostics;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>Runs the Node.js Workload API client as another Unix user (with setpriv; the tests run as root).</summary>
internal static class ProcessRun
{
    public static async Task<(int ExitCode, JsonElement Answer)> NodeAsUserAsync(uint uid, uint gid, params string[] args)
    {
        var start = new ProcessStartInfo("setpriv") { WorkingDirectory = RepoPaths.Interop, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "node", "workload-api.mjs", .. args])
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
            throw new InvalidOperationException($"node workload-api.mjs as uid {uid} printed nothing (exit {process.ExitCode}): {await stderr}");
        }

        return (process.ExitCode, JsonDocument.Parse(output).RootElement.Clone());
    }
}
