using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.Hosting;

/// <summary>
/// The agent keeps its credential where only its user reads it, and never presents a credential it is renewing: the
/// server takes a superseded credential for a stolen one and revokes the bot's credentials.
/// </summary>
public sealed class CredentialSafetyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeServer _server = new();

    public CredentialSafetyTests()
    {
        _server.PathsByUid[CurrentProcess.Uid] = ["/uid/self"];
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_data_folder_open_to_others_is_closed_to_0700_and_the_credential_file_is_0600()
    {
        var data = Directory.CreateDirectory(_dir.File("data")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);

        await using var agent = await RunningAgent.StartAsync(_server, _dir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "agent.json")));
    }

    [Fact]
    public async Task A_fetch_while_the_credential_is_being_renewed_never_presents_the_old_one()
    {
        _server.CredentialTtl = TimeSpan.FromSeconds(2);
        _server.RenewDelay = TimeSpan.FromSeconds(2);
        await using var agent = await RunningAgent.StartAsync(_server, _dir);
        await agent.Client.FetchAsync("before");

        await _server.RenewArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var during = await agent.Client.FetchAsync("during");

        Assert.NotEmpty(during.Svids);
        Assert.Equal(0, Volatile.Read(ref _server.SupersededPresented));
    }
}
