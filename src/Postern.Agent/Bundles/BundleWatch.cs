namespace Postern.Agent.Bundles;

/// <summary>
/// This trust domain's current bundle (a <see cref="JwtBundle"/> or an <see cref="X509Bundle"/>) and the federated trust
/// domains' bundles of the same kind, and ways to wait for the next change of the one or of either.
/// </summary>
internal sealed class BundleWatch<TBundle>
    where TBundle : class, ITrustDomainBundle
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TBundle? Current { get; private set; }

    /// <summary>The federated trust domains' bundles, by trust domain name.</summary>
    public IReadOnlyDictionary<string, TBundle> Federated { get; private set; } = new Dictionary<string, TBundle>();

    /// <summary>Grows with every publication, of this trust domain's bundle or of the federated ones.</summary>
    public long Version { get; private set; }

    /// <summary>The bundle of <paramref name="trustDomain"/>: this trust domain's own, or a federated one; null for any other.</summary>
    public TBundle? Find(string trustDomain) =>
        Current is { } own && own.TrustDomain == trustDomain ? own : Federated.GetValueOrDefault(trustDomain);

    public void Publish(TBundle bundle) => Change(() => Current = bundle);

    public void PublishFederated(IReadOnlyDictionary<string, TBundle> federated) => Change(() => Federated = federated);

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
    public async Task<TBundle> NextAsync(TBundle? seen, CancellationToken cancellationToken)
    {
        var (own, _, _) = await NextAsync(current => !ReferenceEquals(current, seen), cancellationToken).ConfigureAwait(false);
        return own;
    }

    /// <summary>
    /// This trust domain's bundle, the federated ones and their <see cref="Version"/>, once that is past
    /// <paramref name="seenVersion"/> (-1: any) and this trust domain has a bundle; waits for one if needed.
    /// </summary>
    public Task<(TBundle Own, IReadOnlyDictionary<string, TBundle> Federated, long Version)> NextAsync(long seenVersion, CancellationToken cancellationToken) =>
        NextAsync(_ => Version > seenVersion, cancellationToken);

    private async Task<(TBundle Own, IReadOnlyDictionary<string, TBundle> Federated, long Version)> NextAsync(Func<TBundle, bool> isNew, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (Current is { } current && isNew(current))
                {
                    return (current, Federated, Version);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
