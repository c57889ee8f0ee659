using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>Only the owner may read the store: the database file and SQLite's companion files are mode 0600.</summary>
public sealed class SqliteFileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_new_store_and_its_wal_and_shared_memory_files_are_readable_by_the_owner_only()
    {
        await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
        await store.PutAsync("/a", Encoding.UTF8.GetBytes("secret"), null, CancellationToken.None);

        foreach (var file in new[] { _folder.Database, _folder.Database + "-wal", _folder.Database + "-shm" })
        {
            Assert.Equal((file, OwnerOnly), (file, File.GetUnixFileMode(file)));
        }
    }

    [Fact]
    public async Task An_existing_store_readable_by_others_is_made_owner_only_when_opened_for_writing()
    {
        await using (var first = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None))
        {
            await first.PutAsync("/a", Encoding.UTF8.GetBytes("secret"), null, CancellationToken.None);
        }

        File.SetUnixFileMode(_folder.Database, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
        await store.PutAsync("/b", Encoding.UTF8.GetBytes("secret"), null, CancellationToken.None);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_folder.Database));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_folder.Database + "-wal"));
    }
}
