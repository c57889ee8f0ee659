namespace Postern.Storage.Sqlite.Tests;

public sealed class WriteThreadTests
{
    [Fact]
    public async Task Runs_writes_in_order_finishes_those_queued_before_a_stop_then_refuses_more()
    {
        var thread = new WriteThread("test writer");
        var order = new List<int>();
        using var gate = new ManualResetEventSlim();
        var first = thread.RunAsync(() =>
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            order.Add(1);
            return Task.FromResult(1);
        });
        var second = thread.RunAsync<int>(() => throw new InvalidDataException("the second write fails"));
        var third = thread.RunAsync(() =>
        {
            order.Add(3);
            return Task.FromResult(3);
        });
        var stopped = thread.StopAsync();
        gate.Set();

        Assert.Equal(1, await first.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<InvalidDataException>(() => second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, await third.WaitAsync(TimeSpan.FromSeconds(10)));
        await stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 3], order);
        Assert.Throws<ObjectDisposedException>(() => { _ = thread.RunAsync(() => Task.FromResult(4)); }); // thrown at once, not through the task
    }
}
