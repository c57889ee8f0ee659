using System.CommandLine;
using Postern.Cli;
using Postern.Cli.Commands;
using Postern.Testing;

namespace Postern.Cli.Tests.Commands;

/// <summary><c>postern agent</c>, parsed and invoked as a user would type it.</summary>
public sealed class AgentCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Command command, string[] args, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { command };
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("no socket", new[] { "agent", "--server", "https://127.0.0.1:1", "--join-token", "t" }, "--socket or SPIFFE_ENDPOINT_SOCKET")]
    [InlineData("not a URL", new[] { "agent", "--server", "postern:3080", "--join-token", "t", "--socket", "/tmp/x.sock" }, "is not an absolute https:// URL")]
    [InlineData("both trust options", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--ca-file", "c.pem", "--insecure" }, "exclude each other")]
    [InlineData("missing CA file", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--ca-file", "/nonexistent/c.pem" }, "not found")]
    [InlineData("two token sources", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--join-token-file", "/tmp/t" }, "--join-token and --join-token-file exclude each other")]
    [InlineData("missing token file", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token-file", "/nonexistent/token" }, "--join-token-file '/nonexistent/token' cannot be read")]
    [InlineData("non-loopback diag address", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--diag-addr", "0.0.0.0:3001" }, "--diag-addr '0.0.0.0:3001' is not a loopback address")]
    [InlineData("interface diag address", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--diag-addr", "10.1.2.3:3001" }, "--diag-addr-public")]
    [InlineData("public flag alone", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--diag-addr-public" }, "--diag-addr-public applies only with --diag-addr")]
    [InlineData("public flag on loopback", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--diag-addr", "127.0.0.1:3001", "--diag-addr-public" }, "applies to a non-loopback address only")]
    [InlineData("signal without pid file", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--output-dir", "/tmp/o", "--on-change-signal", "HUP" }, "--on-change-signal and --on-change-pid-file go together")]
    [InlineData("pid file without signal", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--output-dir", "/tmp/o", "--on-change-pid-file", "/run/x.pid" }, "--on-change-signal and --on-change-pid-file go together")]
    [InlineData("unknown signal", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--output-dir", "/tmp/o", "--on-change-signal", "KILL", "--on-change-pid-file", "/run/x.pid" }, "--on-change-signal: unknown signal 'KILL'")]
    [InlineData("signal without output dir", new[] { "agent", "--server", "https://127.0.0.1:1", "--socket", "/tmp/x.sock", "--join-token", "t", "--on-change-signal", "HUP", "--on-change-pid-file", "/run/x.pid" }, "apply only with --output-dir")]
    public async Task A_wrong_command_line_exits_2_saying_what_is_wrong(string row, string[] args, string message)
    {
        var (exit, _, error) = await RunAsync(AgentCommand.Create(_ => null), args);

        Assert.True(exit == 2, row);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_joins_with_the_token_in_a_file_serves_the_socket_named_by_SPIFFE_ENDPOINT_SOCKET_and_stops_on_cancel()
    {
        await using var server = await TestPostern.StartAsync(_dir.File("server"));
        var admin = new AdminApi(server);
        await admin.CreateAsync(WorkloadPolicy.ByUid());
        var token = (await admin.AddBotAsync("agent", ["workload"], agent: true)).Token;
        var socket = _dir.File("workload.sock");
        var command = AgentCommand.Create(name => name == "SPIFFE_ENDPOINT_SOCKET" ? "unix://" + socket : null);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var tokenFile = _dir.File("join-token");
        File.WriteAllText(tokenFile, token + "\n");
        var running = RunAsync(command, ["agent", "--server", server.BaseUrl, "--join-token-file", tokenFile, "--data-dir", _dir.File("agent"), "--ca-file", server.CertificatePath], stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(socket) && !running.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var (fetchExit, answer) = await NodeScript.RunAsync("workload-api.mjs", server.CertificatePath, "--socket", socket, "--aud", "cli", "--server", server.BaseUrl);
        await stop.CancelAsync();
        var (exit, output, error) = await running;

        Assert.True(fetchExit == 0, answer.ToString());
        Assert.Equal("spiffe://test.example.com/uid/0", answer.GetProperty("spiffe_id").GetString());
        Assert.Equal(0, exit);
        Assert.Contains($"serving the Workload API on {socket}", output, StringComparison.Ordinal);
        Assert.Equal("", error);
        Assert.False(File.Exists(socket));
    }

    [Fact]
    public async Task A_refused_join_token_exits_1_with_the_servers_reason()
    {
        await using var server = await TestPostern.StartAsync(_dir.File("server"));

        var (exit, _, error) = await RunAsync(AgentCommand.Create(_ => null),
            ["agent", "--server", server.BaseUrl, "--join-token", "not-a-token", "--socket", _dir.File("w.sock"), "--data-dir", _dir.File("agent"), "--insecure"]);

        Assert.Equal(1, exit);
        Assert.Contains("postern: agent cannot start: the server refused the join token", error, StringComparison.Ordinal);
        Assert.Contains("--join-token on the command line is visible to every user of this host", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-token", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_join_token_is_read_from_POSTERN_JOIN_TOKEN()
    {
        await using var server = await TestPostern.StartAsync(_dir.File("server"));
        var command = AgentCommand.Create(name => name == "POSTERN_JOIN_TOKEN" ? "from-the-environment" : null);

        var (exit, _, error) = await RunAsync(command,
            ["agent", "--server", server.BaseUrl, "--socket", _dir.File("w.sock"), "--data-dir", _dir.File("agent"), "--insecure"]);

        // The server was asked, so the token was read: without one the agent would stop before asking.
        Assert.Equal(1, exit);
        Assert.Contains("postern: agent cannot start: the server refused the join token", error, StringComparison.Ordinal);
        Assert.DoesNotContain("visible to every user", error, StringComparison.Ordinal);
    }
}
