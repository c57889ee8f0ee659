namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// What a stranger may cost at <c>POST /v1/bots/join</c> (<c>docs/workload-identity.md</c>): a request budget per client
/// address, and the interval at which refusals that named no bot are written to the audit log, counted.
/// </summary>
internal sealed record JoinLimits
{
    /// <summary>Join requests a client address may send at once (a token bucket's size): room for a fleet behind one NAT to start together.</summary>
    public int AddressBurst { get; init; } = 30;

    /// <summary>How often a client address gets one more join request (30 a minute).</summary>
    public TimeSpan AddressRefill { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often counted refusals are written (<c>bot.join.refused</c>, one event per address and reason).</summary>
    public TimeSpan RefusalAuditInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The most (address, reason) pairs counted in memory before they are written early.</summary>
    public int MaxRefusalKeys { get; init; } = 10_000;
}
