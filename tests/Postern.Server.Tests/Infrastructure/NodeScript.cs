using System.Diagnostics;
using System.Text.Json;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>Runs one of the Node.js interoperability scripts in <c>tests/interop</c> and reads its JSON answer.</summary>
internal static class NodeScript
{
    public static async Task<(int ExitCode, JsonElement Answer)> RunAsync(string script, string? trustedCertificatePath, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Interop, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (trustedCertificatePath is not null)
        {
            start.Environment["NODE_EXTRA_CA_CERTS"] = trustedCertificatePath;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = (await stdout).Trim();
        if (output.Length == 0)
        {
            throw new InvalidOperationException($"node {script} printed nothing (exit {process.ExitCode}): {await stderr}");
        }

        return (process.ExitCode, JsonDocument.Parse(output).RootElement.Clone());
    }
}
