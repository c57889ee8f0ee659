namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// A credential's place in its lineage: the credential a join made and each renewal of it, one generation after the
/// other. A renewal keeps the credential it replaced, marked <see cref="SupersededAt"/>, until its successor expires,
/// so that presenting it again is recognised as reuse rather than as an unknown credential.
/// </summary>
internal sealed partial record BotCredentialRecord
{
    /// <summary>The lineage's id (the hash of the credential the join made); <c>null</c> on that first credential itself.</summary>
    public string? Lineage { get; init; }

    /// <summary>0 for the credential a join made, one more at each renewal.</summary>
    public long Generation { get; init; }

    /// <summary>When a renewal replaced this credential; from then on presenting it is reuse.</summary>
    public DateTimeOffset? SupersededAt { get; init; }
}
