using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.WorkloadIdentity.Api;

namespace Postern.Cli.Tests;

/// <summary><c>postern bots add|token --agent</c>: an agent's join token, the only kind whose credential may present workload attributes.</summary>
public sealed partial class AdminCliTests
{
    [Fact]
    public async Task Bots_add_and_token_with_agent_make_tokens_an_agent_may_join_with_and_without_it_a_scripts()
    {
        var (exit, output, error) = await RunAsync("bots", "add", "host-a", "--roles", "access", "--agent");
        Assert.True(exit == 0, error);
        Assert.Contains("Start an agent with it: postern agent", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await JoinAsAgentAsync(output.Split('\n')[1].Trim()));

        (exit, output, error) = await RunAsync("bots", "token", "host-a", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Equal(HttpStatusCode.Unauthorized, await JoinAsAgentAsync(JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!));

        (exit, output, error) = await RunAsync("bots", "token", "host-a", "--agent", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Equal(HttpStatusCode.OK, await JoinAsAgentAsync(JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!));

        (exit, output, error) = await RunAsync("bots", "add", "ci", "--roles", "access");
        Assert.True(exit == 0, error);
        Assert.Contains("`postern agent` needs a token made with --agent", output, StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> JoinAsAgentAsync(string token)
    {
        using var response = await _server.Http.PostAsJsonAsync(_server.BaseUrl + WorkloadApiPaths.Join, new JoinRequest(token, Agent: true), WorkloadApiJsonContext.Default.JoinRequest);
        return response.StatusCode;
    }
}
