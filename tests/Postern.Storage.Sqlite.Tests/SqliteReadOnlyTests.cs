using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>A read-only store is for looking (e.g. checking the key-encryption key) before anything may change.</summary>
public sealed class SqliteReadOnlyTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Opening_a_missing_file_read_only_throws_file_not_found_with_the_path_and_creates_nothing()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(
            () => SqliteBackend.OpenAsync(ReadOnly(), CancellationToken.None));

        Assert.Equal(_folder.Database, error.FileName);
        Assert.Contains(_folder.Database, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
        Assert.False(SqliteBackend.Exists(_folder.Database));
    }

    [Fact]
    public async Task Opening_read_only_reading_and_watching_leave_the_database_file_unchanged()
    {
        await using (var writer = await SqliteBackend.OpenAsync(Writable(), CancellationToken.None))
        {
            await writer.PutAsync("/authorities/kek-check", Encoding.UTF8.GetBytes("sealed"), null, CancellationToken.None);
        }

        var bytes = await File.ReadAllBytesAsync(_folder.Database);
        var written = File.GetLastWriteTimeUtc(_folder.Database);

        await using (var reader = await SqliteBackend.OpenAsync(ReadOnly(), CancellationToken.None))
        {
            Assert.Equal("sealed", Encoding.UTF8.GetString((await reader.GetAsync("/authorities/kek-check", CancellationToken.None))!.Value.Span));
            Assert.Single(await reader.RangeAsync("/", CancellationToken.None));
            Assert.Equal(1, await reader.CurrentRevisionAsync(CancellationToken.None));
            await foreach (var change in reader.WatchAsync("/", 0, CancellationToken.None))
            {
                Assert.Equal("/authorities/kek-check", change.Key);
                break;
            }
        }

        Assert.True(SqliteBackend.Exists(_folder.Database));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_folder.Database));
        Assert.Equal(written, File.GetLastWriteTimeUtc(_folder.Database));
    }

    [Fact]
    public async Task Every_write_on_a_read_only_store_throws_invalid_operation_and_changes_nothing()
    {
        long revision;
        await using (var writer = await SqliteBackend.OpenAsync(Writable(), CancellationToken.None))
            revision = await writer.PutAsync("/k", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
        await using var store = await SqliteBackend.OpenAsync(ReadOnly(), CancellationToken.None);
        var none = CancellationToken.None;

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync("/k", Encoding.UTF8.GetBytes("w"), null, none));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CompareAndSwapAsync("/k", revision, Encoding.UTF8.GetBytes("w"), null, none));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteAsync("/k", none));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CompareAndDeleteAsync("/k", revision, none));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SweepExpiredAsync(none));

        Assert.Equal(revision, (await store.GetAsync("/k", none))?.Revision);
        Assert.Equal(revision, await store.CurrentRevisionAsync(none));
    }

    [Fact]
    public async Task A_read_only_store_watch_sees_writes_made_by_a_writer_on_the_same_file()
    {
        await using var writer = await SqliteBackend.OpenAsync(Writable(), CancellationToken.None);
        await using var reader = await SqliteBackend.OpenAsync(ReadOnly() with { WatchPollInterval = TimeSpan.FromMilliseconds(20) }, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await using var watch = reader.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = watch.MoveNextAsync().AsTask();
        await writer.PutAsync("/later", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);

        Assert.True(await next);
        Assert.Equal("/later", watch.Current.Key);
    }

    [Fact]
    public async Task Opening_read_only_a_file_that_holds_no_store_throws_invalid_data_and_leaves_it_alone()
    {
        await File.WriteAllBytesAsync(_folder.Database, []);

        await Assert.ThrowsAsync<InvalidDataException>(() => SqliteBackend.OpenAsync(ReadOnly(), CancellationToken.None));

        Assert.Equal(0, new FileInfo(_folder.Database).Length);
    }

    private SqliteBackendOptions Writable() => new() { Path = _folder.Database };

    private SqliteBackendOptions ReadOnly() => new() { Path = _folder.Database, ReadOnly = true };
}
