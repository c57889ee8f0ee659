using System.Runtime.CompilerServices;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// Follows a store's audit chains: yields every event committed after the cursors, chain by chain in position order,
/// and looks again every poll interval. Each chain is read from its own position on, so an event is yielded once and
/// none is skipped, whichever instance wrote it and whenever its transaction committed.
/// </summary>
public sealed class AuditFollower(IAuditStore store, TimeProvider time, TimeSpan poll)
{
    private const int PageSize = 1000;

    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);

    /// <summary>Skips what every chain holds now: following then yields only events committed from here on.</summary>
    public async Task SkipToEndAsync(CancellationToken cancellationToken)
    {
        foreach (var head in await store.AuditHeadsAsync(cancellationToken).ConfigureAwait(false))
            _cursors[head.Chain] = head.Sequence;
    }

    /// <summary>Whether the follower has yielded (or skipped) the event at <paramref name="sequence"/> of <paramref name="chain"/>.</summary>
    public bool Passed(string chain, long sequence) => _cursors.TryGetValue(chain, out var at) && at >= sequence;

    /// <summary>
    /// The events of the chains <paramref name="include"/> accepts (every chain when <c>null</c>) after the cursors,
    /// then those committed later, until <paramref name="cancellationToken"/> is cancelled (the enumeration then ends).
    /// </summary>
    public async IAsyncEnumerable<StoredAuditEvent> FollowAsync(Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<AuditChainHead> heads;
            try
            {
                heads = await store.AuditHeadsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            foreach (var head in heads)
            {
                if (include is not null && !include(head.Chain))
                    continue;
                var after = _cursors.GetValueOrDefault(head.Chain);
                while (after < head.Sequence)
                {
                    var page = await store.ReadChainAsync(head.Chain, after, PageSize, cancellationToken).ConfigureAwait(false);
                    if (page.Count == 0)
                        break; // deleted by retention meanwhile
                    foreach (var e in page)
                    {
                        after = e.Sequence;
                        _cursors[head.Chain] = after;
                        yield return e;
                    }
                }
            }

            try
            {
                await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
