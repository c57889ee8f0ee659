using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>How the SQLite backend's watches learn of new changes.</summary>
public sealed class SqliteWatchTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_write_through_the_backend_wakes_its_watches_without_any_poll()
    {
        await using var store = await SqliteBackend.OpenAsync(
            new SqliteBackendOptions { Path = _folder.Database, WatchPollInterval = Timeout.InfiniteTimeSpan },
            CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = store.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(50);

        await store.PutAsync("/woken", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);

        Assert.True(await next);
        Assert.Equal("/woken", watch.Current.Key);
    }

    [Fact]
    public async Task A_watch_that_is_still_reading_when_the_backend_is_disposed_throws_object_disposed()
    {
        var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watch = store.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(50);

        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(TimeSpan.FromSeconds(10)));
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task A_watch_reads_a_long_history_across_pages_without_losing_or_repeating_a_change()
    {
        await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
        for (var i = 0; i < 600; i++)
            await store.PutAsync(i % 3 == 0 ? $"/odd/{i}" : $"/even/{i}", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);

        var seen = new List<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var change in store.WatchAsync("/even/", 0, timeout.Token))
        {
            seen.Add(change.Revision);
            if (seen.Count == 400)
                break;
        }

        Assert.Equal(Enumerable.Range(1, 600).Where(r => (r - 1) % 3 != 0).Select(r => (long)r), seen);
    }
}
