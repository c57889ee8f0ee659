using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Postern.Resources;
using Postern.Server.State;
using Postern.Storage;
using Postern.TrustBundles;

namespace Postern.Server.Federation;

/// <summary>
/// The trust domains this one federates with (<c>trust_domain_federation</c> resources) and their bundles as last
/// accepted, followed from the store by the cluster state's watch. A bundle counts only while its federation exists:
/// removing the resource stops the trust at once, on every instance.
/// </summary>
internal sealed class FederatedBundles(ILogger<FederatedBundles> logger) : IStateFollower
{
    private static readonly string FederationPrefix = ResourceJson.Prefix(ResourceKinds.TrustDomainFederation);

    private readonly ConcurrentDictionary<string, TrustDomainFederation> _federations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FederatedBundle> _bundles = new(StringComparer.Ordinal);
    private CachedJson? _document;

    public IReadOnlyList<string> Prefixes { get; } = [FederationPrefix, FederatedBundleRecord.Prefix];

    public bool ReadsAtLoad => true;

    /// <summary>Raised with a trust domain whose federation or bundle changed; handlers must be quick and must not throw.</summary>
    public event Action<string>? Changed;

    /// <summary>Every federation, by trust domain.</summary>
    public IReadOnlyList<TrustDomainFederation> Federations => [.. _federations.Values.OrderBy(f => f.TrustDomain, StringComparer.Ordinal)];

    /// <summary>The federation with <paramref name="trustDomain"/>, if any.</summary>
    public TrustDomainFederation? FindFederation(string trustDomain) => _federations.GetValueOrDefault(trustDomain);

    /// <summary>The accepted bundle of <paramref name="trustDomain"/>, when it is federated and one was accepted.</summary>
    public FederatedBundle? Find(string trustDomain) =>
        _federations.ContainsKey(trustDomain) && _bundles.TryGetValue(trustDomain, out var bundle) ? bundle : null;

    /// <summary>The stored record of <paramref name="trustDomain"/>, federated or not (for the refresher's schedule and clean-up).</summary>
    public FederatedBundleRecord? Record(string trustDomain) => _bundles.TryGetValue(trustDomain, out var bundle) ? bundle.Record : null;

    /// <summary>Every trust domain that has a stored record.</summary>
    public IReadOnlyList<string> Recorded => [.. _bundles.Keys];

    /// <summary>
    /// Every accepted bundle of a federated trust domain as one JSON object keyed by trust domain ID
    /// (<c>spiffe://partner.example</c>), each value a SPIFFE bundle: what agents fetch.
    /// </summary>
    public CachedJson Document
    {
        get
        {
            if (Volatile.Read(ref _document) is { } document)
            {
                return document;
            }

            document = CachedJson.Write(writer =>
            {
                writer.WriteStartObject();
                foreach (var bundle in _bundles.Values.Where(b => _federations.ContainsKey(b.Bundle.TrustDomain)).OrderBy(b => b.Bundle.TrustDomain, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(bundle.Bundle.TrustDomainId);
                    SpiffeBundleWriter.Write(writer, bundle.Bundle);
                }

                writer.WriteEndObject();
            });
            Volatile.Write(ref _document, document);
            return document;
        }
    }

    public void Clear()
    {
        _federations.Clear();
        _bundles.Clear();
        Volatile.Write(ref _document, null);
    }

    public void Apply(Change change)
    {
        string trustDomain;
        if (change.Key.StartsWith(FederationPrefix, StringComparison.Ordinal))
        {
            trustDomain = change.Key[FederationPrefix.Length..];
            if (StoredResource.Read(ResourceKinds.TrustDomainFederation, change, logger) is TrustDomainFederationResource resource)
            {
                _federations[trustDomain] = resource.Federation;
            }
            else
            {
                _federations.TryRemove(trustDomain, out _);
            }
        }
        else
        {
            trustDomain = change.Key[FederatedBundleRecord.Prefix.Length..];
            if (change.Kind == ChangeKind.Put && StoreJson.TryDeserialize<FederatedBundleRecord>(change.Value) is { } record
                && SpiffeBundleReader.TryRead(Encoding.UTF8.GetBytes(record.Bundle), record.TrustDomain, out var bundle, out _))
            {
                _bundles[trustDomain] = new FederatedBundle(bundle, record);
            }
            else
            {
                _bundles.TryRemove(trustDomain, out _);
            }
        }

        Volatile.Write(ref _document, null);
        Changed?.Invoke(trustDomain);
    }
}
