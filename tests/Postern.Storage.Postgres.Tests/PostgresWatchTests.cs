using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>How watches learn of changes on PostgreSQL, and how they survive losing the notification connection.</summary>
public sealed class PostgresWatchTests(PostgresServer server) : PostgresTests(server)
{
    [Fact]
    public async Task A_watch_recovers_when_its_listen_connection_is_terminated_and_catches_up_on_the_changes_made_meanwhile()
    {
        var database = await Server.CreateDatabaseAsync();
        var watcher = await Backends.OpenAsync(OpenedBackends.Named(database, "watcher"));
        var writer = await Backends.OpenAsync(database);
        var listenerPid = await WaitForListenerAsync(database, "watcher:watch", previousPid: null);
        using var timeout = new CancellationTokenSource(Patience);
        await using var watch = watcher.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        await writer.PutAsync("/before", Bytes("1"), null, CancellationToken.None);
        Assert.True(await watch.MoveNextAsync());
        var next = watch.MoveNextAsync().AsTask(); // waiting for a notification now

        Assert.Equal(1L, await Server.ExecuteAsync(
            OpenedBackends.DatabaseOf(database),
            $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid = {listenerPid}"));
        await writer.PutAsync("/during/1", Bytes("2"), null, CancellationToken.None); // while nobody listens for the watcher
        await writer.PutAsync("/during/2", Bytes("3"), null, CancellationToken.None);

        Assert.True(await next);
        Assert.Equal(("/during/1", 2L), (watch.Current.Key, watch.Current.Revision));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(("/during/2", 3L), (watch.Current.Key, watch.Current.Revision));

        // Listening again on a new connection: a later write wakes the watch without any poll.
        await WaitForListenerAsync(database, "watcher:watch", previousPid: listenerPid);
        await writer.PutAsync("/after", Bytes("4"), null, CancellationToken.None);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(("/after", 4L), (watch.Current.Key, watch.Current.Revision));
    }

    [Fact]
    public async Task Two_instances_on_one_database_see_each_others_writes_through_their_watches()
    {
        var database = await Server.CreateDatabaseAsync();
        var first = await Backends.OpenAsync(database);
        var second = await Backends.OpenAsync(database);
        var seenByFirst = TakeAsync(first, 4);
        var seenBySecond = TakeAsync(second, 4);

        await first.PutAsync("/a/1", Bytes("from first"), null, CancellationToken.None);
        await second.PutAsync("/b/1", Bytes("from second"), null, CancellationToken.None);
        await second.DeleteAsync("/a/1", CancellationToken.None);
        await first.CompareAndSwapAsync("/b/1", 2, Bytes("first again"), null, CancellationToken.None);

        string[] expected = ["1:Put:/a/1", "2:Put:/b/1", "3:Delete:/a/1", "4:Put:/b/1"];
        Assert.Equal(expected, (await seenByFirst).Select(c => $"{c.Revision}:{c.Kind}:{c.Key}"));
        Assert.Equal(expected, (await seenBySecond).Select(c => $"{c.Revision}:{c.Kind}:{c.Key}"));
    }

    [Fact]
    public async Task A_watch_from_before_the_oldest_kept_change_throws_watch_compacted_with_what_is_kept()
    {
        var database = await Server.CreateDatabaseAsync();
        var store = await Backends.OpenAsync(database, o => o with { ChangeLogRetention = 5 });
        for (var i = 0; i < 12; i++)
            await store.PutAsync($"/k/{i}", Bytes("v"), null, CancellationToken.None);

        await using var watch = store.WatchAsync("/", 6, CancellationToken.None).GetAsyncEnumerator();
        var error = await Assert.ThrowsAsync<WatchCompactedException>(async () => await watch.MoveNextAsync());

        Assert.Equal((6L, 8L, 12L), (error.Requested, error.OldestKept, error.CurrentRevision));
    }

    [Fact]
    public async Task A_watch_that_is_waiting_when_the_backend_is_disposed_throws_object_disposed()
    {
        var database = await Server.CreateDatabaseAsync();
        var store = await PostgresBackend.OpenAsync(new PostgresBackendOptions { ConnectionString = database }, CancellationToken.None);
        using var timeout = new CancellationTokenSource(Patience);
        var watch = store.WatchAsync("/", 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(100);

        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Patience));
        await watch.DisposeAsync();
    }

    /// <summary>Waits until a connection named <paramref name="applicationName"/> other than <paramref name="previousPid"/> is listening, and returns its process id.</summary>
    private async Task<int> WaitForListenerAsync(string database, string applicationName, int? previousPid)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var pid = await Server.ExecuteAsync(
                OpenedBackends.DatabaseOf(database),
                $"SELECT pid FROM pg_stat_activity WHERE application_name = '{applicationName}' AND query LIKE 'LISTEN%' AND pid <> {previousPid ?? 0}");
            if (pid is int found)
                return found;
            await Task.Delay(20);
        }

        throw new TimeoutException($"no connection named '{applicationName}' listened within {Patience}");
    }
}
