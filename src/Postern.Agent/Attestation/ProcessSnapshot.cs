namespace Postern.Agent.Attestation;

/// <summary>A process's start time (clock ticks since boot) and executable path (null when unreadable or deleted), read consistently.</summary>
internal sealed record ProcessSnapshot(ulong StartTime, string? Exe);
