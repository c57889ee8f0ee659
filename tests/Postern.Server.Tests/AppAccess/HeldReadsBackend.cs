using Postern.Storage;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// A store that can hold a read after it has read its value and before it returns it, so that a test can make a
/// change land exactly in the window between a lookup's read and its use.
/// </summary>
internal sealed class HeldReadsBackend(IBackend inner) : IBackend
{
    private TaskCompletionSource? _release;

    /// <summary>Completes when a held read has its value.</summary>
    public TaskCompletionSource ReadHeld { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds the next reads of keys starting with <paramref name="prefix"/> until <see cref="Release"/>.</summary>
    public void HoldReads(string prefix)
    {
        HeldPrefix = prefix;
        ReadHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        HeldPrefix = null;
        _release?.TrySetResult();
    }

    private string? HeldPrefix { get; set; }

    public async Task<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var item = await inner.GetAsync(key, cancellationToken);
        if (HeldPrefix is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal) && _release is { } release)
        {
            ReadHeld.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
        }

        return item;
    }

    public Task<IReadOnlyList<Item>> RangeAsync(string prefix, CancellationToken cancellationToken) => inner.RangeAsync(prefix, cancellationToken);

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) => inner.PutAsync(key, value, expires, cancellationToken);

    public Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) => inner.PutBatchAsync(items, cancellationToken);

    public Task<WriteResult> CompareAndSwapAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        inner.CompareAndSwapAsync(key, expectedRevision, value, expires, cancellationToken);

    public Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken) =>
        inner.CompareAndSwapWithAsync(key, expectedRevision, value, expires, alongside, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task<WriteResult> CompareAndDeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken) => inner.CompareAndDeleteAsync(key, expectedRevision, cancellationToken);

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) => inner.CurrentRevisionAsync(cancellationToken);

    public IAsyncEnumerable<Change> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) => inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
