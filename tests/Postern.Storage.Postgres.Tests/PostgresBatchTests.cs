using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary><see cref="PostgresBackend.PutBatchAsync"/>: one transaction, one revision per item.</summary>
public sealed class PostgresBatchTests(PostgresServer server) : PostgresTests(server)
{
    [Fact]
    public async Task A_batch_gives_each_item_its_own_revision_in_list_order_and_returns_the_last()
    {
        var store = await Backends.OpenAsync(await Server.CreateDatabaseAsync());
        var start = await store.PutAsync("/before", Bytes("0"), null, CancellationToken.None);

        var last = await store.PutBatchAsync([new("/b/z", Bytes("1"), null), new("/b/a", Bytes("2"), null), new("/before", Bytes("3"), null)], CancellationToken.None);

        Assert.Equal(start + 3, last);
        Assert.Equal(
            [("/b/z", start + 1), ("/b/a", start + 2), ("/before", start + 3)],
            (await TakeAsync(store, 3, after: start)).Select(c => (c.Key, c.Revision)));
        Assert.Equal("3", Text((await store.GetAsync("/before", CancellationToken.None))!.Value));
    }

    [Fact]
    public async Task A_batch_with_a_duplicate_or_an_invalid_key_is_refused_whole_and_writes_nothing()
    {
        var store = await Backends.OpenAsync(await Server.CreateDatabaseAsync());

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutBatchAsync([new("/d", Bytes("1"), null), new("/d", Bytes("2"), null)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutBatchAsync([new("/ok", Bytes("1"), null), new("no-slash", Bytes("2"), null)], CancellationToken.None));

        Assert.Equal(0, await store.CurrentRevisionAsync(CancellationToken.None));
        Assert.Empty(await store.RangeAsync("/", CancellationToken.None));
    }

    [Fact]
    public async Task An_empty_batch_writes_nothing_and_returns_the_current_revision()
    {
        var store = await Backends.OpenAsync(await Server.CreateDatabaseAsync());
        var current = await store.PutAsync("/k", Bytes("v"), null, CancellationToken.None);

        Assert.Equal(current, await store.PutBatchAsync([], CancellationToken.None));
        Assert.Equal(current, await store.CurrentRevisionAsync(CancellationToken.None));
    }
}
