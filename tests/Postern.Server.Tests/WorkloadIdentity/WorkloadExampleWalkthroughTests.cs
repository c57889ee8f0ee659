using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Postern.Testing;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// <c>examples/workload-identity/README.md</c> runs as written: its <c>sh</c> blocks are taken from the README
/// in order and run in one bash script from the repository's root. Only what would collide with a developer's
/// own machine is changed: the CLI is the built <c>postern.dll</c> instead of <c>dotnet run</c>, the data folder
/// and the <c>/tmp</c> files go to a temporary folder, and the port is a free one. The blocks that start a
/// long-running program (<c>postern start</c>, <c>postern agent</c>) run in the background.
/// </summary>
public sealed class WorkloadExampleWalkthroughTests : IDisposable
{
    private static readonly string Example = Path.Combine(RepoPaths.Root, "examples", "workload-identity");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_readme_commands_end_with_a_fetched_SVID_named_after_the_callers_uid()
    {
        var blocks = ShellBlocks(File.ReadAllText(Path.Combine(Example, "README.md")));
        Assert.True(blocks.Count >= 5, $"expected the README's five or more sh blocks, found {blocks.Count}");

        var port = FreePort.Next();
        var config = _dir.File("postern.yaml");
        var original = File.ReadAllText(Path.Combine(Example, "config", "postern.yaml"));
        Assert.Contains("data_dir:", original, StringComparison.Ordinal);
        File.WriteAllText(config, Regex.Replace(original, @"(?m)^data_dir:.*$", $"data_dir: {_dir.File("data")}").Replace("3080", port.ToString(), StringComparison.Ordinal));

        var script = new StringBuilder();
        script.AppendLine("set -euo pipefail");
        script.AppendLine("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT");
        script.AppendLine($"cd '{RepoPaths.Root}'");
        foreach (var block in blocks)
        {
            var text = Adapt(block, config, port);
            if (Regex.IsMatch(block, @"-- (start|agent) "))
            {
                var name = block.Contains("-- agent ", StringComparison.Ordinal) ? "agent" : "server";
                script.AppendLine($"{text.TrimEnd()} > '{_dir.File(name + ".log")}' 2>&1 &");
                var ready = name == "server" ? $"curl -kfs https://127.0.0.1:{port}/readyz >/dev/null" : $"[ -S '{_dir.File("postern-agent.sock")}' ]";
                script.AppendLine($"pid=$!; for i in $(seq 300); do {ready} && break; kill -0 $pid || exit 1; sleep 0.1; done");
            }
            else
            {
                script.AppendLine(text);
            }
        }

        var (exit, output) = await RunBashAsync(script.ToString());
        var logs = string.Join("\n", new[] { "server.log", "agent.log" }.Select(f => _dir.File(f)).Where(File.Exists).Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
        Assert.True(exit == 0, $"the walk-through failed (exit {exit}):\n{output}\n{logs}");

        // Step 5: a standard gRPC client fetched an SVID named after its own uid, and the agent validated it.
        var fetched = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("{\"ok\":", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(fetched);
        var expected = $"spiffe://example.com/uid/{CurrentUid()}";
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean(), fetched);
        Assert.Equal(expected, json.RootElement.GetProperty("spiffe_id").GetString());
        Assert.Equal(expected, json.RootElement.GetProperty("validated").GetString());

        // Step 6: the bot's stored credential got an SVID from the server, and `jwt verify` accepted it.
        Assert.Contains("valid: signed by", output, StringComparison.Ordinal);
        Assert.Contains("spiffe://example.com/bot/agent", output, StringComparison.Ordinal);
    }

    /// <summary>The README's <c>```sh</c> blocks in order, without the list item's indentation.</summary>
    private static List<string> ShellBlocks(string readme) =>
        [.. Regex.Matches(readme, @"^(?<indent>[ ]*)```sh\n(?<body>.*?)^\k<indent>```", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => Regex.Replace(m.Groups["body"].Value, "^" + m.Groups["indent"].Value, "", RegexOptions.Multiline))];

    // /tmp/ first: the paths put in afterwards may themselves lie under /tmp (a checkout there, the test's folder).
    private string Adapt(string block, string config, int port) => block
        .Replace("/tmp/", _dir.Path + "/", StringComparison.Ordinal)
        .Replace("dotnet run --project src/Postern.Cli --", $"dotnet '{Path.Combine(AppContext.BaseDirectory, "postern.dll")}'", StringComparison.Ordinal)
        .Replace("examples/workload-identity/config/postern.yaml", config, StringComparison.Ordinal)
        .Replace("127.0.0.1:3080", $"127.0.0.1:{port}", StringComparison.Ordinal);

    private async Task<(int Exit, string Output)> RunBashAsync(string script)
    {
        var path = _dir.File("walkthrough.sh");
        File.WriteAllText(path, script);
        var outputPath = _dir.File("walkthrough.out");

        // Output to a file, not a pipe: the background programs would hold a pipe open after bash exits.
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec bash '{path}' > '{outputPath}' 2>&1 < /dev/null");
        using var process = Process.Start(start)!;
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (process.ExitCode, File.ReadAllText(outputPath));
    }

    private static string CurrentUid() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
}
