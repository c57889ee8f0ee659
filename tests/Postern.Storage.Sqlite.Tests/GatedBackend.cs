using Postern.Testing;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>
/// A store whose batch writes (the audit log's group commits) wait at a gate the test opens, or fail while
/// <see cref="Failing"/> is set; everything else goes straight to <paramref name="inner"/>.
/// </summary>
internal sealed class GatedBackend(IBackend inner, bool open = true) : ForwardingBackend(inner)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _gate = NewGate(open);

    /// <summary>Completes when a batch write has reached the gate.</summary>
    public Task Entered => _entered.Task;

    /// <summary>While set, batch writes throw instead of writing.</summary>
    public bool Failing { get; set; }

    public void Open() => _gate.TrySetResult();

    public override async Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return Failing ? throw new IOException("the store refuses writes") : await base.PutBatchAsync(items, cancellationToken);
    }

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
