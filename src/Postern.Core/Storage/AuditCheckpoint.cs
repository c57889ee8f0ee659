namespace Postern.Storage;

/// <summary>
/// A chain's head sealed at a time: the chain, the position and hash of its head, when, and the signature of the
/// audit key <see cref="Kid"/> over those four (<c>Postern.Audit.AuditCheckpoints.Payload</c>).
/// </summary>
public sealed record AuditCheckpoint(string Chain, long Sequence, byte[] Head, DateTimeOffset Time, string Kid, byte[] Signature);
