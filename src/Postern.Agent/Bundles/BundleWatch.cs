namespace Postern.Agent.Bundles;

/// <summary>The current JWT bundle and the federated trust domains' bundles, and a way to wait for the next change.</summary>
internal sealed class BundleWatch
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JwtBundle? Current { get; private set; }

    /// <summary>The federated trust domains' bundles, by trust domain name.</summary>
    public IReadOnlyDictionary<string, JwtBundle> Federated { get; private set; } = new Dictionary<string, JwtBundle>();

    /// <summary>The ETag of the server's federated bundles document they were read from.</summary>
    public string? FederatedETag { get; private set; }

    /// <summary>Grows with every publication.</summary>
    public long Version { get; private set; }

    /// <summary>The bundle of <paramref name="trustDomain"/>: this trust domain's own, or a federated one; null for any other.</summary>
    public JwtBundle? Find(string trustDomain) =>
        Current is { } own && own.TrustDomain == trustDomain ? own : Federated.GetValueOrDefault(trustDomain);

    public void PublishFederated(IReadOnlyDictionary<string, JwtBundle> federated, string? etag)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            Federated = federated;
            FederatedETag = etag;
            Version++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public void Publish(JwtBundle bundle)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            Current = bundle;
            Version++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// The current bundle, the federated ones and their <see cref="Version"/>, once that is past <paramref name="seenVersion"/>
    /// (-1: any) and there is a bundle of this trust domain; waits for one if needed.
    /// </summary>
    public async Task<(JwtBundle Own, IReadOnlyDictionary<string, JwtBundle> Federated, long Version)> NextAsync(long seenVersion, CancellationToken cancellationToken)
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
