using Microsoft.Extensions.Logging;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>An agent started in-process on a socket in a temporary folder, talking to a <see cref="FakeServer"/>.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(AgentHost host, WorkloadClient client, AgentOptions options)
    {
        Host = host;
        Client = client;
        Options = options;
    }

    public AgentHost Host { get; }

    public WorkloadClient Client { get; }

    public AgentOptions Options { get; }

    public static async Task<RunningAgent> StartAsync(FakeServer server, TempDir dir, string? joinToken = null, Func<AgentOptions, AgentOptions>? adjust = null)
    {
        var options = new AgentOptions
        {
            Server = new Uri("https://postern.test:3080"),
            JoinToken = joinToken ?? server.AddJoinToken(),
            SocketPath = dir.File("agent.sock"),
            DataDir = dir.File("data"),
            PollInterval = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            ServerHandler = server,
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        };
        options = adjust?.Invoke(options) ?? options;
        var host = await AgentHost.StartAsync(options, CancellationToken.None);
        return new RunningAgent(host, new WorkloadClient(host.SocketPath), options);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
