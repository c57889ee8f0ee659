namespace Postern.Agent.Bundles;

/// <summary>The current bundle (a <see cref="JwtBundle"/> or an <see cref="X509Bundle"/>), and a way to wait for the next one.</summary>
internal sealed class BundleWatch<TBundle>
    where TBundle : class
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TBundle? Current { get; private set; }

    public void Publish(TBundle bundle)
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
    public async Task<TBundle> NextAsync(TBundle? seen, CancellationToken cancellationToken)
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
