namespace Postern.Agent.Bundles;

/// <summary>The current X.509 bundle (the trust domain's CA certificates), and a way to wait for the next one.</summary>
internal sealed class X509BundleWatch
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public X509Bundle? Current { get; private set; }

    public void Publish(X509Bundle bundle)
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
    public async Task<X509Bundle> NextAsync(X509Bundle? seen, CancellationToken cancellationToken)
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
