using System.Text.Json;
using Postern.Cli.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Cli.Tests.Authority;

/// <summary>
/// A rotation lives in the store, not in a process: a `postern start` killed with SIGKILL in init, in
/// update_clients and in rollback comes back in that phase and finishes it, and no step runs twice.
/// </summary>
public sealed class RotationCrashTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly int _port = FreePort.Next();
    private string _config = null!;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_server_killed_in_each_phase_comes_back_in_it_and_finishes_the_rotation()
    {
        _config = _dir.File("postern.yaml");
        File.WriteAllText(_config, $"""
            cluster_name: crash.example.com
            listen_addr: 127.0.0.1:{_port}
            public_addr: https://127.0.0.1:{_port}
            data_dir: data
            {ShortLifetimes.Yaml}
            """);
        var server = await StartAsync("start.log");
        var oldKid = Keys(await LsAsync()).Single();

        // An automatic rotation, killed in init.
        var (exit, output) = await PosternProcess.CliAsync("ca", "rotate", "--type", "workload", "--grace", "12s", "--config", _config);
        Assert.True(exit == 0, output);
        Assert.Contains("The workload authority moved from standby to init.", output, StringComparison.Ordinal);
        var newKid = Keys(await LsAsync())[1];
        server = await KillAndRestartAsync(server, "init", "init.log");

        // Killed in update_clients.
        await WaitForPhaseAsync("update_clients");
        server = await KillAndRestartAsync(server, "update_clients", "update.log");
        await WaitForPhaseAsync("standby");
        Assert.Equal([newKid], Keys(await LsAsync()));

        // A second rotation, brought to update_clients by hand and rolled back, killed in rollback.
        Assert.Equal(0, (await PosternProcess.CliAsync("ca", "rotate", "--type", "workload", "--grace", "12s", "--config", _config)).Exit);
        var thirdKid = Keys(await LsAsync())[1];
        (exit, output) = await PosternProcess.CliAsync("ca", "rotate", "--type", "workload", "--manual", "--phase", "update_clients", "--config", _config);
        Assert.True(exit == 0, output);
        Assert.Contains("warning: moved to update_clients after", output, StringComparison.Ordinal);
        Assert.Equal(0, (await PosternProcess.CliAsync("ca", "rotate", "--type", "workload", "--rollback", "--config", _config)).Exit);
        server = await KillAndRestartAsync(server, "rollback", "rollback.log");
        await WaitForPhaseAsync("standby");
        Assert.Equal([newKid], Keys(await LsAsync()));

        // Each step once: the restarts did not repeat one.
        (exit, output) = await PosternProcess.CliAsync("audit", "search", "--type", "ca.rotated", "--format", "json", "--config", _config);
        Assert.True(exit == 0, output);
        var steps = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => $"{e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}").ToList();
        Assert.Equal(
            ["standby>init", "init>update_clients", "update_clients>standby", "standby>init", "init>update_clients", "update_clients>rollback", "rollback>standby"],
            steps);
        Assert.NotEqual(oldKid, newKid);
        Assert.NotEqual(newKid, thirdKid);
        await server.StopAsync("TERM");
        await server.DisposeAsync();
    }

    private async Task<PosternProcess> StartAsync(string log)
    {
        var server = PosternProcess.Start(_dir.Path, _config, log);
        (await server.WaitReadyAsync(_port)).Dispose();
        return server;
    }

    private async Task<PosternProcess> KillAndRestartAsync(PosternProcess server, string phase, string log)
    {
        Assert.Equal(phase, (await LsAsync()).GetProperty("phase").GetString());
        await server.StopAsync("KILL");
        await server.DisposeAsync();
        var restarted = await StartAsync(log);

        // The grace period (12 s) outlasts a restart, so the phase has not moved yet.
        Assert.Equal(phase, (await LsAsync()).GetProperty("phase").GetString());
        return restarted;
    }

    private async Task<JsonElement> LsAsync()
    {
        var (exit, output) = await PosternProcess.CliAsync("ca", "ls", "--format", "json", "--config", _config);
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output).RootElement.EnumerateArray().Single(a => a.GetProperty("type").GetString() == "workload").Clone();
    }

    private static List<string> Keys(JsonElement authority) =>
        [.. authority.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];

    private async Task WaitForPhaseAsync(string phase)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while ((await LsAsync()).GetProperty("phase").GetString() != phase)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workload authority did not reach {phase}");
            await Task.Delay(250);
        }
    }
}
