using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Cli;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Cli.Tests.Commands;

/// <summary><c>postern bots add|token --agent</c>: an agent's join token, the only kind whose credential may present workload attributes.</summary>
public sealed class BotsAgentCommandTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path);
        _config = _dir.File("postern.yaml");
        File.WriteAllText(_config, $"data_dir: {_dir.Path}\n");
        await new AdminApi(_server).CreateAsync(WorkloadPolicy.ByUid());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Bots_add_and_token_with_agent_make_tokens_an_agent_may_join_with_and_without_it_a_scripts()
    {
        var (exit, output, error) = await RunAsync("bots", "add", "host-a", "--roles", "workload", "--agent");
        Assert.True(exit == 0, error);
        Assert.Contains("Start an agent with it: postern agent", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await JoinAsAgentAsync(output.Split('\n')[1].Trim()));

        (exit, output, error) = await RunAsync("bots", "token", "host-a", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Equal(HttpStatusCode.Unauthorized, await JoinAsAgentAsync(JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!));

        (exit, output, error) = await RunAsync("bots", "token", "host-a", "--agent", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Equal(HttpStatusCode.OK, await JoinAsAgentAsync(JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!));

        (exit, output, error) = await RunAsync("bots", "add", "ci", "--roles", "workload");
        Assert.True(exit == 0, error);
        Assert.Contains("`postern agent` needs a token made with --agent", output, StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> JoinAsAgentAsync(string token)
    {
        using var response = await _server.Http.PostAsJsonAsync(_server.BaseUrl + WorkloadApiPaths.Join, new JoinRequest(token, Agent: true), WorkloadApiJsonContext.Default.JoinRequest);
        return response.StatusCode;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse([.. args, "--config", _config]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
