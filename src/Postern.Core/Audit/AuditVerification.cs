namespace Postern.Audit;

/// <summary>
/// The outcome of <see cref="AuditVerifier.VerifyAsync"/>: how many chains, events and checkpoints it checked, and the
/// first finding of each chain that has one (none: the log verifies).
/// </summary>
public sealed record AuditVerification(int Chains, long Events, int Checkpoints, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>Whether nothing was found.</summary>
    public bool Verified => Findings.Count == 0;
}
