using Microsoft.Extensions.Time.Testing;
using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>Several instances writing and sweeping one database at once.</summary>
public sealed class PostgresConcurrencyTests(PostgresServer server) : PostgresTests(server)
{
    [Fact]
    public async Task Concurrent_writers_on_two_instances_keep_revisions_gapless_and_every_watcher_sees_them_in_order()
    {
        const int workersPerInstance = 3;
        const int roundsPerWorker = 15; // each round writes 4 revisions: a put, a batch of two and a compare-and-swap
        const int total = 2 * workersPerInstance * roundsPerWorker * 4;
        var database = await Server.CreateDatabaseAsync();
        PostgresBackend[] instances = [await Backends.OpenAsync(database), await Backends.OpenAsync(database)];
        var watches = instances.Select(instance => TakeAsync(instance, total)).ToArray();

        var workers = instances
            .SelectMany((instance, i) => Enumerable.Range(0, workersPerInstance).Select(w => (instance, name: $"{i}-{w}")))
            .Select(worker => Task.Run(() => WriteRoundsAsync(worker.instance, worker.name, roundsPerWorker)))
            .ToArray();
        var written = (await Task.WhenAll(workers).WaitAsync(Patience)).SelectMany(revisions => revisions).Order().ToList();
        var seen = await Task.WhenAll(watches).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(1, total).Select(r => (long)r), written);
        Assert.Equal(total, await instances[1].CurrentRevisionAsync(CancellationToken.None));
        foreach (var changes in seen)
            Assert.Equal(Enumerable.Range(1, total).Select(r => (long)r), changes.Select(c => c.Revision));
        Assert.Equal(seen[0].Select(c => (c.Key, c.Kind, Text(c.Value))), seen[1].Select(c => (c.Key, c.Kind, Text(c.Value))));

        var replay = new SortedDictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        foreach (var change in seen[0])
            replay[change.Key] = (Text(change.Value), change.Revision);
        var state = await instances[0].RangeAsync("/", CancellationToken.None);
        Assert.Equal(replay.Select(p => (p.Key, p.Value.Value, p.Value.Revision)), state.Select(i => (i.Key, Text(i.Value), i.Revision)));
    }

    [Fact]
    public async Task Two_instances_sweeping_at_once_delete_each_expired_item_exactly_once()
    {
        const int expiring = 600; // more than one sweep batch
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 17, 9, 30, 0, TimeSpan.Zero));
        var database = await Server.CreateDatabaseAsync();
        var first = await Backends.OpenAsync(database, o => o with { Time = clock });
        var second = await Backends.OpenAsync(database, o => o with { Time = clock });
        var expires = clock.GetUtcNow().AddSeconds(10);
        await first.PutBatchAsync([.. Enumerable.Range(0, expiring).Select(i => new BatchPut($"/s/{i:D4}", Bytes("s"), expires))], CancellationToken.None);
        await first.PutAsync("/s/lasting", Bytes("l"), null, CancellationToken.None);
        var start = await first.CurrentRevisionAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(11));

        var deleted = await Task.WhenAll(
            Task.Run(() => first.SweepExpiredAsync(CancellationToken.None)),
            Task.Run(() => second.SweepExpiredAsync(CancellationToken.None)),
            Task.Run(() => first.SweepExpiredAsync(CancellationToken.None))).WaitAsync(Patience);
        var changes = await TakeAsync(second, expiring, after: start).WaitAsync(Patience);

        Assert.Equal(expiring, deleted.Sum());
        Assert.Equal(start + expiring, await second.CurrentRevisionAsync(CancellationToken.None));
        Assert.All(changes, c => Assert.Equal(ChangeKind.Delete, c.Kind));
        Assert.Equal(Enumerable.Range(1, expiring).Select(n => start + n), changes.Select(c => c.Revision));
        Assert.Equal(expiring, changes.Select(c => c.Key).Distinct().Count());
        Assert.Equal(["/s/lasting"], (await second.RangeAsync("/s/", CancellationToken.None)).Select(i => i.Key));
    }

    [Fact]
    public async Task The_background_sweeper_deletes_an_expired_item_on_its_own()
    {
        var database = await Server.CreateDatabaseAsync();
        var store = await Backends.OpenAsync(database, o => o with { SweepInterval = TimeSpan.FromMilliseconds(50) });
        await store.PutAsync("/sessions/short", Bytes("s"), DateTimeOffset.UtcNow.AddMilliseconds(200), CancellationToken.None);

        var changes = await TakeAsync(store, 2).WaitAsync(Patience);

        Assert.Equal([(ChangeKind.Put, "/sessions/short"), (ChangeKind.Delete, "/sessions/short")], changes.Select(c => (c.Kind, c.Key)));
    }

    private static async Task<List<long>> WriteRoundsAsync(PostgresBackend store, string worker, int rounds)
    {
        var revisions = new List<long>();
        for (var round = 0; round < rounds; round++)
        {
            revisions.Add(await store.PutAsync($"/w/{worker}/put", Bytes($"{round}"), null, CancellationToken.None));
            var last = await store.PutBatchAsync(
                [new BatchPut($"/w/{worker}/batch/a", Bytes($"{round}"), null), new BatchPut($"/w/shared/{round % 5}/{worker}", Bytes($"{round}"), null)],
                CancellationToken.None);
            revisions.AddRange([last - 1, last]);
            var own = await store.GetAsync($"/w/{worker}/put", CancellationToken.None);
            var swapped = await store.CompareAndSwapAsync($"/w/{worker}/put", own!.Revision, Bytes($"{round}!"), null, CancellationToken.None);
            Assert.True(swapped.Succeeded, $"worker {worker} round {round}: nobody else writes its key, yet its compare-and-swap conflicted");
            revisions.Add(swapped.Revision);
        }

        return revisions;
    }
}
