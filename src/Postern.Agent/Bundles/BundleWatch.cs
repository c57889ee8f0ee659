namespace Postern.Agent.Bundles;

/// <summary>The current JWT bundle, and a way to wait for the next one.</summary>
internal sealed class BundleWatch
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JwtBundle? Current { get; private set; }

    public void Publish(JwtBundle bundle)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            Current = bundle;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>The current bundle once it is not <paramref name="seen"/> (null: any bundle); waits for one if needed.</summary>
    public async Task<JwtBundle> NextAsync(JwtBundle? seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (Current is { } current && !ReferenceEquals(current, seen))
                {
                    return current;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
