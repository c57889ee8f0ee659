using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary>The data folder a server creates, and the store in it, are for the owner only.</summary>
public sealed class DataFolderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_fresh_data_folder_is_mode_0700_and_the_database_0600()
    {
        var dataDir = _dir.File("data");

        await using (await TestPostern.StartAsync(dataDir))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
            foreach (var file in Directory.GetFiles(dataDir, "postern.db*"))
            {
                Assert.Equal((file, UnixFileMode.UserRead | UnixFileMode.UserWrite), (file, File.GetUnixFileMode(file)));
            }

            Assert.True(File.Exists(Path.Combine(dataDir, "postern.db")));
        }
    }
}
