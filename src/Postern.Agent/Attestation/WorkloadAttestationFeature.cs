namespace Postern.Agent.Attestation;

/// <summary>
/// The attestation of a connection, made once when it is accepted and kept with the connection,
/// so that every request on it reads the same answer without further I/O.
/// </summary>
internal sealed class WorkloadAttestationFeature(AttestationResult result)
{
    public AttestationResult Result { get; } = result;
}
