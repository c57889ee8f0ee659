using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Postern.Testing;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>
/// A real Postern server and an agent joined to it as the bot <c>agent</c> (role <c>workload</c>); the workload identity
/// <c>by-uid</c> gives <c>/uid/{{workload.unix.uid}}</c> to uids 0 and 65534.
/// </summary>
internal sealed class ServerWithAgent : IAsyncDisposable
{
    private ServerWithAgent(TempDir dir, TestPostern server, AgentHost agent)
    {
        Dir = dir;
        Server = server;
        Agent = agent;
    }

    public TempDir Dir { get; }

    public TestPostern Server { get; }

    public AgentHost Agent { get; }

    public string SocketPath => Dir.File("workload.sock");

    /// <summary>The bot's join token, for an agent started another way (it is used once).</summary>
    public string JoinToken { get; private init; } = "";

    public static async Task<ServerWithAgent> StartAsync(string serverYaml = "", Func<TempDir, AgentOptions, AgentOptions>? adjust = null)
    {
        var dir = new TempDir();
        var server = await TestPostern.StartAsync(dir.File("server"), serverYaml);
        var admin = new AdminApi(server);
        await admin.CreateAsync(WorkloadPolicy.ByUid("0", "65534"));
        using var response = await admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name = "agent", roles = new[] { "workload" }, agent = true }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var options = new AgentOptions
        {
            Server = new Uri(server.BaseUrl),
            JoinToken = token,
            SocketPath = dir.File("workload.sock"),
            DataDir = dir.File("agent-data"),
            CaFile = server.CertificatePath,
            PollInterval = TimeSpan.FromMilliseconds(200),
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        };
        var agent = await AgentHost.StartAsync(adjust is null ? options : adjust(dir, options), CancellationToken.None);
        return new ServerWithAgent(dir, server, agent);
    }

    /// <summary>Moves the x509 authority's rotation to <paramref name="phase"/> by hand.</summary>
    public async Task RotateX509Async(string phase)
    {
        using var response = await new AdminApi(Server).SendAsync(HttpMethod.Post, "authorities/x509/rotate", JsonContent.Create(new { manual = true, phase }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Server.DisposeAsync();
        Dir.Dispose();
    }
}
