using System.Globalization;
using System.Security.Cryptography;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// Walks every audit chain in a store and its checkpoints: each event must match its hash, follow its predecessor
/// at the next position, and agree with every checkpoint at its position; every checkpoint must be signed by one of
/// the audit authority's keys; no checkpoint may lie past the chain's end. A chain may begin after position 1 only
/// at a checkpoint (retention deleted what came before it), which then vouches for the first event's predecessor.
/// </summary>
public static class AuditVerifier
{
    private const int PageSize = 1000;

    /// <summary>
    /// Verifies every chain of <paramref name="store"/> against the audit keys <paramref name="keys"/>. With
    /// <paramref name="since"/>, each chain is walked from its newest checkpoint sealed before then (or from its start).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAuditStore store, IReadOnlyList<AuthorityKey> keys, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var heads = await store.AuditHeadsAsync(cancellationToken).ConfigureAwait(false);
        var checkpoints = await store.AuditCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var chains = heads.Select(h => h.Chain).Union(checkpoints.Select(c => c.Chain)).Order(StringComparer.Ordinal).ToList();
        var findings = new List<AuditFinding>();
        long events = 0;
        foreach (var chain in chains)
        {
            var sealedHeads = checkpoints.Where(c => c.Chain == chain).OrderBy(c => c.Sequence).ToList();
            var (finding, walked) = await VerifyChainAsync(store, chain, sealedHeads, keys, since, cancellationToken).ConfigureAwait(false);
            events += walked;
            if (finding is not null)
                findings.Add(finding);
        }

        return new AuditVerification(chains.Count, events, checkpoints.Count, findings);
    }

    private static async Task<(AuditFinding? Finding, long Events)> VerifyChainAsync(
        IAuditStore store, string chain, List<AuditCheckpoint> checkpoints, IReadOnlyList<AuthorityKey> keys, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (checkpoints.FirstOrDefault(c => !AuditCheckpoints.IsSignedBy(c, keys)) is { } forged)
            return (Found(chain, forged.Sequence, AuditFindingKind.BadCheckpoint, $"the checkpoint at event {forged.Sequence} is not signed by the audit key (kid {forged.Kid})"), 0);

        var anchor = since is { } from ? checkpoints.LastOrDefault(c => c.Time < from) : null;
        var position = anchor?.Sequence ?? 0;
        var previous = anchor?.Head;
        long walked = 0;
        var byPosition = checkpoints.ToDictionary(c => c.Sequence);
        while (true)
        {
            var page = await store.ReadChainAsync(chain, position, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                var expected = position + 1;
                if (previous is null)
                {
                    // The chain's first stored event: position 1, or the one after a checkpoint that retention kept.
                    previous = e.Sequence == 1 ? AuditChainHash.Genesis(chain) : byPosition.GetValueOrDefault(e.Sequence - 1)?.Head;
                    if (previous is null)
                        return (Found(chain, 1, AuditFindingKind.Removed, $"events 1 to {e.Sequence - 1} are missing, and no checkpoint at {e.Sequence - 1} vouches for event {e.Sequence}"), walked);
                    expected = e.Sequence;
                }

                if (e.Sequence != expected)
                    return (Found(chain, expected, AuditFindingKind.Removed, Range(expected, e.Sequence - 1) + " missing: removed"), walked);
                if (!CryptographicOperations.FixedTimeEquals(AuditChainHash.Link(e.Previous, e.Line), e.Hash))
                    return (Found(chain, e.Sequence, AuditFindingKind.Changed, $"event {e.Sequence} does not match its hash: it was changed"), walked);
                if (!e.Previous.AsSpan().SequenceEqual(previous))
                    return (Found(chain, e.Sequence, AuditFindingKind.InsertedOrReordered, $"event {e.Sequence} is intact but does not follow event {e.Sequence - 1}: an event was inserted here or events were reordered"), walked);
                if (byPosition.TryGetValue(e.Sequence, out var sealedHere) && !sealedHere.Head.AsSpan().SequenceEqual(e.Hash))
                    return (Found(chain, e.Sequence, AuditFindingKind.Changed, $"the checkpoint at event {e.Sequence} seals another head: events up to {e.Sequence} were rewritten"), walked);

                previous = e.Hash;
                position = e.Sequence;
                walked++;
            }

            if (page.Count < PageSize)
                break;
        }

        if (checkpoints.Count > 0 && checkpoints[^1].Sequence > position && (anchor is null || checkpoints[^1].Sequence > anchor.Sequence))
        {
            var last = checkpoints[^1].Sequence;
            return (Found(chain, position + 1, AuditFindingKind.Truncated, $"the checkpoint at event {last} vouches for events the chain no longer holds: " + Range(position + 1, last) + " removed from its end"), walked);
        }

        return (null, walked);
    }

    private static string Range(long first, long last) =>
        first == last
            ? string.Create(CultureInfo.InvariantCulture, $"event {first} is")
            : string.Create(CultureInfo.InvariantCulture, $"events {first} to {last} are");

    private static AuditFinding Found(string chain, long sequence, AuditFindingKind kind, string message) =>
        new(chain, sequence, kind, $"chain {chain}: {message}");
}
