using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary>
/// <c>examples/app-access/</c> runs as its README says: its files are used as they are (the upstream on
/// 127.0.0.1:8081, the app and the role stored with <c>create -f</c>, a user added with <c>--password-stdin</c>).
/// </summary>
public sealed class ExampleWalkthroughTests : IAsyncLifetime
{
    private static readonly string Example = Path.Combine(RepoPaths.Root, "examples", "app-access");
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private Process? _whoami;

    public async Task InitializeAsync() => _server = await TestPostern.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        if (_whoami is { HasExited: false })
        {
            _whoami.Kill(entireProcessTree: true);
            await _whoami.WaitForExitAsync();
        }

        _whoami?.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_walkthrough_files_put_whoami_behind_Postern_for_a_user_of_the_role()
    {
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, $"data_dir: {_dir.Path}\n");

        var (exit, output, error) = await RunCliAsync(null, "create", "-f", Example + "/", "--config", config);
        Assert.True(exit == 0, error);
        Assert.Contains("app/whoami created", output, StringComparison.Ordinal);
        Assert.Contains("role/dev-apps created", output, StringComparison.Ordinal);

        (exit, _, error) = await RunCliAsync("correct horse battery staple", "users", "add", "alice", "--roles", "dev-apps", "--traits", "logins=alice,ubuntu", "--password-stdin", "--config", config);
        Assert.True(exit == 0, error);

        _whoami = await StartWhoamiAsync();
        using var browser = new Browser(_server);
        using var login = await browser.LoginAsync("alice", "correct horse battery staple").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var response = await browser.GetAsync(browser.AppUrl("whoami.localhost")).WaitAsync(TimeSpan.FromSeconds(30));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var headers = JsonDocument.Parse(body).RootElement.GetProperty("headers");
        Assert.Equal("alice, ubuntu", headers.GetProperty("x-logins").GetString());
        Assert.StartsWith("eyJ", headers.GetProperty("teleport-jwt-assertion").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Bearer eyJ", headers.GetProperty("authorization").GetString(), StringComparison.Ordinal);
        Assert.False(headers.TryGetProperty("cookie", out _), "a Postern cookie reached the app");
    }

    /// <summary>Runs <c>postern</c> as its own process, as the README does.</summary>
    private static Task<(int Exit, string Output, string Error)> RunCliAsync(string? input, params string[] args) => PosternProcess.RunCliAsync(input, args);

    private async Task<Process> StartWhoamiAsync()
    {
        Assert.False(await ListeningAsync(), "127.0.0.1:8081, the example app's address, is already in use");

        // Its output goes to a file, not a pipe to this process: a long-lived child holding pipes to the
        // test host stalled the host in practice.
        var log = _dir.File("whoami.log");
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec node '{Path.Combine(Example, "whoami.mjs")}' > '{log}' 2>&1 < /dev/null");
        var process = Process.Start(start)!;
        for (var waited = 0; !await ListeningAsync(); waited++)
        {
            Assert.True(waited < 100 && !process.HasExited, "whoami.mjs did not start: " + (File.Exists(log) ? File.ReadAllText(log) : ""));
            await Task.Delay(100);
        }

        return process;
    }

    private static async Task<bool> ListeningAsync()
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, 8081).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
