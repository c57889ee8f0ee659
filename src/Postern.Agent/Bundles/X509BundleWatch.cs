namespace Postern.Agent.Bundles;

/// <summary>
/// The current X.509 bundle (the trust domain's CA certificates) and the federated trust domains' X.509 bundles, and
/// ways to wait for the next change of the one or of either.
/// </summary>
internal sealed class X509BundleWatch
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public X509Bundle? Current { get; private set; }

    /// <summary>The federated trust domains' X.509 bundles, by trust domain name (those with CA certificates only).</summary>
    public IReadOnlyDictionary<string, X509Bundle> Federated { get; private set; } = new Dictionary<string, X509Bundle>();

    /// <summary>Grows with every publication, of this trust domain's bundle or of the federated ones.</summary>
    public long Version { get; private set; }

    public void Publish(X509Bundle bundle) => Change(() => Current = bundle);

    public void PublishFederated(IReadOnlyDictionary<string, X509Bundle> federated) => Change(() => Federated = federated);

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            change();
            Version++;
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

    /// <summary>
    /// This trust domain's bundle, the federated ones and their <see cref="Version"/>, once that is past
    /// <paramref name="seenVersion"/> (-1: any) and this trust domain has a bundle; waits for one if needed.
    /// </summary>
    public async Task<(X509Bundle Own, IReadOnlyDictionary<string, X509Bundle> Federated, long Version)> NextAsync(long seenVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (Current is { } current && Version > seenVersion)
                {
                    return (current, Federated, Version);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
