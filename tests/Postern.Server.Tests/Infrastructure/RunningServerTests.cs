using Postern.Testing;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>A test class whose tests share one running server in a temporary data folder.</summary>
public abstract class RunningServerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    internal TestPostern Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestPostern.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
