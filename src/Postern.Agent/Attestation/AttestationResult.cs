namespace Postern.Agent.Attestation;

/// <summary>The outcome of attesting one connection: a workload, or why none could be told.</summary>
internal sealed record AttestationResult
{
    private AttestationResult(UnixWorkload? workload, string? failure)
    {
        Workload = workload;
        Failure = failure;
    }

    public UnixWorkload? Workload { get; }

    /// <summary>Why the caller could not be attested; null when it was.</summary>
    public string? Failure { get; }

    public static AttestationResult Attested(UnixWorkload workload) => new(workload, null);

    public static AttestationResult Failed(string reason) => new(null, reason);
}
