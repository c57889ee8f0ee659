namespace Postern.Storage;

/// <summary>
/// One audit event as stored: its chain, its position there, the hash of the event before it, its own hash and its
/// line of JSON, byte for byte as written.
/// </summary>
public sealed record StoredAuditEvent(string Chain, long Sequence, byte[] Previous, byte[] Hash, byte[] Line);
