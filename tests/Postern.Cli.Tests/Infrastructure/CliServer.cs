using System.CommandLine;
using Postern.Testing;

namespace Postern.Cli.Tests.Infrastructure;

/// <summary>
/// A running server whose apps (YAML under <c>apps:</c>, <c>{upstream}</c> standing for the recording upstream's
/// address) sit in front of one recording upstream, with the user <c>alice</c> (role <c>access</c>, any traits given), and
/// the admin commands run in-process against it as <c>local-admin</c>.
/// </summary>
internal sealed class CliServer : IAsyncDisposable
{
    public const string Password = "a long enough password";

    private readonly TempDir _dir = new();
    private string _config = null!;

    public TestPostern Server { get; private set; } = null!;

    public Upstream Upstream { get; private set; } = null!;

    /// <summary>The server's data folder (its SQLite store is <c>postern.db</c> there).</summary>
    public string DataDir => _dir.Path;

    public static async Task<CliServer> StartAsync(string appsYaml, Dictionary<string, string[]>? aliceTraits = null)
    {
        var started = new CliServer();
        started.Upstream = await Upstream.StartAsync();
        started.Server = await TestPostern.StartAsync(started._dir.Path, "apps:\n" + appsYaml.Replace("{upstream}", started.Upstream.Address, StringComparison.Ordinal));
        started._config = started._dir.File("postern.yaml");
        File.WriteAllText(started._config, $"data_dir: {started._dir.Path}\n");
        await new AdminApi(started.Server).AddUserAsync("alice", Password, ["access"], aliceTraits);
        return started;
    }

    /// <summary>Runs a <c>postern</c> command against the server; its exit code, standard output and standard error.</summary>
    public async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse([.. args, "--config", _config]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
        _dir.Dispose();
    }
}
