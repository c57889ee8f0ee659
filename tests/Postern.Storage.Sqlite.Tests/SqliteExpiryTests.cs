using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>The SQLite backend's own expiry sweeper.</summary>
public sealed class SqliteExpiryTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2031, 5, 17, 9, 30, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_background_sweeper_deletes_expired_items_once_its_period_passes()
    {
        await using var store = await OpenAsync(TimeSpan.FromSeconds(1));
        await store.PutAsync("/sessions/a", Encoding.UTF8.GetBytes("s"), _clock.GetUtcNow().AddMilliseconds(500), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = store.WatchAsync("/sessions/", 1, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = watch.MoveNextAsync().AsTask();

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await next, "the sweeper's delete did not reach the watch");
        Assert.Equal((ChangeKind.Delete, "/sessions/a", 2L), (watch.Current.Kind, watch.Current.Key, watch.Current.Revision));
    }

    [Fact]
    public async Task A_sweep_returns_how_many_items_it_deleted_each_with_its_own_revision()
    {
        await using var store = await OpenAsync(Timeout.InfiniteTimeSpan);
        var now = _clock.GetUtcNow();
        for (var i = 0; i < 300; i++)
            await store.PutAsync($"/tokens/{i}", Encoding.UTF8.GetBytes("t"), now.AddSeconds(i % 2 == 0 ? 1 : 100), CancellationToken.None);
        var before = await store.CurrentRevisionAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2));

        var swept = await store.SweepExpiredAsync(CancellationToken.None);
        var again = await store.SweepExpiredAsync(CancellationToken.None);

        Assert.Equal((150, 0), (swept, again));
        Assert.Equal(before + 150, await store.CurrentRevisionAsync(CancellationToken.None));
        Assert.Equal(150, (await store.RangeAsync("/tokens/", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_swept_item_can_be_created_again_expecting_absent()
    {
        await using var store = await OpenAsync(Timeout.InfiniteTimeSpan);
        await store.PutAsync("/lock", Encoding.UTF8.GetBytes("a"), _clock.GetUtcNow().AddSeconds(1), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await store.SweepExpiredAsync(CancellationToken.None);

        var result = await store.CompareAndSwapAsync("/lock", Revision.Absent, Encoding.UTF8.GetBytes("b"), null, CancellationToken.None);

        Assert.True(result.Succeeded);
    }

    private Task<SqliteBackend> OpenAsync(TimeSpan sweepInterval) =>
        SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database, Time = _clock, SweepInterval = sweepInterval }, CancellationToken.None);
}
