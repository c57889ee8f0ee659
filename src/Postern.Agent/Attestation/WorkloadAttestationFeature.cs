namespace Postern.Agent.Attestation;

/// <summary>
/// The peer of a connection, pinned when it was accepted and kept with the connection; every call on it is
/// attested again (<see cref="Attest"/>), so that a connection handed to another process attests nobody.
/// </summary>
internal sealed class WorkloadAttestationFeature(PeerConnection? peer, string? failure)
{
    /// <summary>Attests the caller now; fails closed when the connection's peer could not be pinned.</summary>
    public AttestationResult Attest() => peer?.Attest() ?? AttestationResult.Failed(failure ?? "the connection was not attested");
}
