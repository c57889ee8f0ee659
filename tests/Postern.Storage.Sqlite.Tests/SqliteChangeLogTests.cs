using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>The change log keeps the latest <see cref="SqliteBackendOptions.ChangeLogRetention"/> changes.</summary>
public sealed class SqliteChangeLogTests : IDisposable
{
    private const int Retention = 5;
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_watch_from_before_the_oldest_kept_change_throws_watch_compacted_with_what_is_kept()
    {
        await using var store = await OpenAsync();
        await PutManyAsync(store, 12);

        var error = await Assert.ThrowsAsync<WatchCompactedException>(() => FirstAsync(store.WatchAsync("/", 6, CancellationToken.None)));

        Assert.Equal((6L, 8L, 12L), (error.Requested, error.OldestKept, error.CurrentRevision));
    }

    [Fact]
    public async Task A_watch_from_just_before_the_oldest_kept_change_replays_all_that_is_kept()
    {
        await using var store = await OpenAsync();
        await PutManyAsync(store, 12);

        var first = await FirstAsync(store.WatchAsync("/", 7, CancellationToken.None));

        Assert.Equal(8, first.Revision);
    }

    [Fact]
    public async Task A_watch_with_a_prefix_is_also_refused_when_the_changes_it_missed_are_gone()
    {
        await using var store = await OpenAsync();
        await store.PutAsync("/watched/a", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
        await PutManyAsync(store, 10, "/other/");

        await Assert.ThrowsAsync<WatchCompactedException>(() => FirstAsync(store.WatchAsync("/watched/", 0, CancellationToken.None)));
    }

    [Fact]
    public async Task A_watch_that_falls_behind_the_change_log_throws_watch_compacted_when_read_again()
    {
        await using var store = await OpenAsync();
        await store.PutAsync("/k0", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = store.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await watch.MoveNextAsync());

        await PutManyAsync(store, Retention + 2); // a watch reads only when asked: these all land before it reads again

        await Assert.ThrowsAsync<WatchCompactedException>(async () => await watch.MoveNextAsync());
    }

    [Fact]
    public async Task The_store_revision_keeps_counting_after_the_log_is_pruned()
    {
        await using var store = await OpenAsync();
        await PutManyAsync(store, 3 * Retention);

        Assert.Equal(3 * Retention, await store.CurrentRevisionAsync(CancellationToken.None));
        Assert.Equal((3 * Retention) + 1, await store.PutAsync("/next", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None));
    }

    private Task<SqliteBackend> OpenAsync() =>
        SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, ChangeLogRetention = Retention }, CancellationToken.None);

    private static async Task PutManyAsync(SqliteBackend store, int count, string prefix = "/k/")
    {
        for (var i = 0; i < count; i++)
            await store.PutAsync($"{prefix}{i}", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
    }

    private static async Task<Change> FirstAsync(IAsyncEnumerable<Change> watch)
    {
        await using var changes = watch.GetAsyncEnumerator();
        Assert.True(await changes.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        return changes.Current;
    }
}
