using Postern.Audit;
using Postern.Server.Web;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Join attempts refused before they named a bot, counted per (client address, reason) and audited as
/// <see cref="AuditEventTypes.BotJoinRefused"/> every <see cref="JoinLimits.RefusalAuditInterval"/> and at shutdown:
/// junk costs the audit log one event per address and reason, not one per request. Refusals that name a bot (a
/// used or expired token, a locked bot) stay <see cref="AuditEventTypes.BotJoin"/> events of their own.
/// </summary>
internal sealed class JoinRefusals(AuditLog audit, JoinLimits limits) : IAsyncDisposable
{
    public const string RateLimited = "too many join requests from this address; try again later";

    private readonly AuditTally _tally = audit.CreateTally(AuditEventTypes.BotJoinRefused, new AuditTallyOptions
    {
        Interval = limits.RefusalAuditInterval,
        MaxKeys = limits.MaxRefusalKeys,
    });

    /// <summary>Counts a refusal from <paramref name="remote"/> (kept by <see cref="ClientAddress.Key(string?)"/>).</summary>
    public ValueTask CountAsync(string? remote, string reason, CancellationToken cancellationToken) =>
        _tally.CountAsync(ClientAddress.Key(remote), reason, cancellationToken);

    public ValueTask DisposeAsync() => _tally.DisposeAsync();
}
