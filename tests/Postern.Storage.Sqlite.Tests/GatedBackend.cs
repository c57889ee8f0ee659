namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// A store whose batch writes (the audit log's group commits) wait at a gate the test opens, or fail while
/// <see cref="Failing"/> is set; everything else goes straight to <paramref name="inner"/>.
/// </summary>
internal sealed class GatedBackend(IBackend inner, bool open = true) : IBackend
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _gate = NewGate(open);

    /// <summary>Completes when a batch write has reached the gate.</summary>
    public Task Entered => _entered.Task;

    /// <summary>While set, batch writes throw instead of writing.</summary>
    public bool Failing { get; set; }

    public void Open() => _gate.TrySetResult();

    public async Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return Failing ? throw new IOException("the store refuses writes") : await inner.PutBatchAsync(items, cancellationToken);
    }

    public Task<Item?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken) => inner.RangeAsync(prefix, cancellationToken);

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) => inner.PutAsync(key, value, expires, cancellationToken);

    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        inner.CompareAndSwapAsync(key, expectedRevision, value, expires, cancellationToken);

    public Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken) =>
        inner.CompareAndSwapWithAsync(key, expectedRevision, value, expires, alongside, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken) => inner.CompareAndDeleteAsync(key, expectedRevision, cancellationToken);

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) => inner.CurrentRevisionAsync(cancellationToken);

    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) => inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.TrySetResult();
        }

        return gate;
    }
}
