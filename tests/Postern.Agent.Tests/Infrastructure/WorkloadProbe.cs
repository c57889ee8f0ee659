using System.Diagnostics;
using Postern.Testing;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>
/// <c>EndToEnd/probe/workload-probe.c</c>, compiled with <c>cc</c> into a folder: a Workload API caller that can
/// hand its connection to another process (see the comment at the top of the source for its modes).
/// </summary>
internal sealed class WorkloadProbe
{
    private WorkloadProbe(string path)
    {
        Path = path;
    }

    /// <summary>The compiled executable.</summary>
    public string Path { get; }

    /// <summary>Compiles the probe to <paramref name="path"/>; <paramref name="variant"/> changes its bytes (and so its hash) only.</summary>
    public static async Task<WorkloadProbe> CompileAsync(string path, int variant = 0)
    {
        var source = System.IO.Path.Combine(RepoPaths.Root, "tests", "Postern.Agent.Tests", "EndToEnd", "probe", "workload-probe.c");
        var (exit, output) = await RunAsync("cc", ["-O1", "-o", path, $"-DPROBE_VARIANT={variant}", source]);
        Assert.True(exit == 0, "cc failed: " + output);
        return new WorkloadProbe(path);
    }

    /// <summary>Runs the probe with <paramref name="args"/> and returns its last line ("svid …", "status …" or "error …").</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var (_, output) = await RunAsync(Path, args);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "(no output)";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
