using System.Diagnostics;
using Postern.Agent.Outputs;
using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// <c>--on-change-signal USR1 --on-change-pid-file FILE</c>: after each change of the output files the agent sends the
/// signal to the process in the pid file; a real child shell records each one. A pid file that is missing at first is
/// logged and the files are still written; a garbled one signals nothing. X.509-SVIDs of 10 s, so changes come every 5 s.
/// </summary>
public sealed class FileOutputSignalTests : IAsyncLifetime
{
    private ServerWithAgent _setup = null!;
    private Process? _child;

    private string PidFile => _setup.Dir.File("reloader.pid");

    private string Received => _setup.Dir.File("signals.log");

    public async Task InitializeAsync() => _setup = await ServerWithAgent.StartAsync(
        "workload_identity: { x509: { default_ttl: 10s, max_ttl: 10s } }",
        (dir, options) => options with
        {
            Outputs = new FileOutputOptions { Folder = dir.File("out"), OnChangeSignal = new ChangeSignal("USR1", 10, dir.File("reloader.pid")) },
        });

    public async Task DisposeAsync()
    {
        if (_child is { HasExited: false })
        {
            _child.Kill();
            await _child.WaitForExitAsync();
        }

        _child?.Dispose();
        await _setup.DisposeAsync();
    }

    [Fact]
    public async Task Each_change_after_the_pid_file_appears_signals_the_process_in_it_and_a_missing_pid_file_stops_nothing()
    {
        // The agent wrote its files before any pid file existed: logged, not fatal.
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(_setup.Dir.File("out"), "svid.pem")), "the files are written without a pid file");
        Assert.False(File.Exists(Received));

        // A reloader that records each SIGUSR1 and writes its pid file only once the trap is set. Not SIGHUP: under nohup
        // (as a CI runner may start the suite) HUP is ignored on entry, and a shell cannot trap a signal ignored on entry.
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = _setup.Dir.Path };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"trap 'echo USR1 >> {Received}' USR1; echo $$ > {PidFile}.tmp; mv {PidFile}.tmp {PidFile}; while :; do sleep 0.1; done");
        _child = Process.Start(start)!;

        await Eventually.TrueAsync(() => File.Exists(Received) && File.ReadAllLines(Received).Length >= 2, "the reloader got SIGUSR1 after two changes", TimeSpan.FromSeconds(30));
        Assert.All(File.ReadAllLines(Received), line => Assert.Equal("USR1", line));
        Assert.False(_child.HasExited, "the reloader died: the signal was not the one it traps");
    }

    [Theory]
    [InlineData("", "holds '', not a process id")]
    [InlineData("0\n", "holds '0', not a process id")]
    [InlineData("-1\n", "holds '-1', not a process id")]
    [InlineData("12abc", "holds '12abc', not a process id")]
    [InlineData("99999999999", "not a process id")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234567890", "longer than a process id")]
    public void A_garbled_pid_file_signals_nothing_and_says_why(string content, string reason)
    {
        using var dir = new TempDir();
        var pidFile = dir.File("garbled.pid");
        File.WriteAllText(pidFile, content);

        // WINCH is ignored by default: were the check missing, 0 and -1 would reach this process group harmlessly, and the test would fail.
        Assert.Contains(reason, PidFileSignaller.Send(new ChangeSignal("WINCH", 28, pidFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_pid_file_or_a_process_that_is_gone_is_a_reason()
    {
        using var dir = new TempDir();
        Assert.Contains("cannot be read", PidFileSignaller.Send(new ChangeSignal("WINCH", 28, dir.File("none.pid"))), StringComparison.Ordinal);

        using var gone = Process.Start("/bin/true")!;
        gone.WaitForExit();
        File.WriteAllText(dir.File("gone.pid"), gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"no process {gone.Id}", PidFileSignaller.Send(new ChangeSignal("WINCH", 28, dir.File("gone.pid"))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hup", "HUP", 1)]
    [InlineData("SIGUSR1", "USR1", 10)]
    [InlineData("TERM", "TERM", 15)]
    public void Signal_names_are_read_with_or_without_sig(string name, string bare, int number)
    {
        Assert.True(ChangeSignal.TryCreate(name, "/run/x.pid", out var signal, out _));
        Assert.Equal(new ChangeSignal(bare, number, "/run/x.pid"), signal);
        Assert.False(ChangeSignal.TryCreate("KILL", "/run/x.pid", out _, out var error));
        Assert.Contains("unknown signal 'KILL'", error, StringComparison.Ordinal);
    }
}
