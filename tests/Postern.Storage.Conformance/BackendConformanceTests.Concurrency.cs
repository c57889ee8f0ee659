using System.Globalization;
using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task Two_clients_racing_compare_and_swap_from_the_same_revision_have_exactly_one_winner_every_time()
    {
        var first = await StoreAsync();
        var second = await SecondClientAsync(first);
        var revision = await first.PutAsync("/race", Bytes("start"), null, None);

        for (var round = 0; round < 50; round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var a = Task.Run(async () => { await go.Task; return await first.CompareAndSwapAsync("/race", revision, Bytes($"a{round}"), null, None); });
            var b = Task.Run(async () => { await go.Task; return await second.CompareAndSwapAsync("/race", revision, Bytes($"b{round}"), null, None); });
            go.SetResult();
            var results = await Task.WhenAll(a, b).WaitAsync(Patience);

            var winners = results.Where(r => r.Succeeded).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} of 2 racing writers succeeded");
            var item = await second.GetAsync("/race", None);
            Assert.NotNull(item);
            Assert.Equal(winners[0].Revision, item.Revision);
            Assert.Equal(results[0].Succeeded ? $"a{round}" : $"b{round}", Text(item.Value));
            revision = item.Revision;
        }
    }

    [Fact]
    public async Task Concurrent_read_modify_write_increments_from_two_clients_lose_no_update()
    {
        const int workersPerClient = 2;
        const int incrementsPerWorker = 20;
        var first = await StoreAsync();
        var second = await SecondClientAsync(first);
        await first.PutAsync("/counter", Bytes("0"), null, None);

        var workers = new[] { first, second }
            .SelectMany(client => Enumerable.Range(0, workersPerClient).Select(_ => client))
            .Select(client => Task.Run(() => IncrementAsync(client, incrementsPerWorker)))
            .ToArray();
        await Task.WhenAll(workers).WaitAsync(Patience * 3);

        var counter = await first.GetAsync("/counter", None);
        Assert.Equal((2 * workersPerClient * incrementsPerWorker).ToString(CultureInfo.InvariantCulture), Text(counter!.Value));
    }

    private static async Task IncrementAsync(IBackend store, int times)
    {
        for (var done = 0; done < times;)
        {
            var item = await store.GetAsync("/counter", None) ?? throw new InvalidOperationException("the counter vanished");
            var next = (int.Parse(Text(item.Value), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
            if ((await store.CompareAndSwapAsync("/counter", item.Revision, Bytes(next), null, None)).Succeeded)
                done++;
        }
    }
}
