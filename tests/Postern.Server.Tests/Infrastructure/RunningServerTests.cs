using Postern.Testing;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>A test class whose tests share one running server in a temporary data folder.</summary>
public abstract class RunningServerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    internal TestPostern Server { get; private set; } = null!;

    /// <summary>The server's data folder.</summary>
    internal TempDir DataDir => _dir;

    public async Task InitializeAsync() => Server = await TestPostern.StartAsync(_dir.Path);

    /// <summary>Stops the server and starts it again on the same data folder, as a restart of the process would.</summary>
    internal async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await TestPostern.StartAsync(_dir.Path);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
