namespace Postern.Storage;

/// <summary>
/// An audit event as a row of the audit table: its place in the chain and the columns searches use (time in Unix
/// milliseconds, type, actor, jti and id, read from the line), with the line itself.
/// </summary>
internal sealed record AuditRow(string Chain, long Sequence, long Time, string Type, string? Actor, string? Jti, string Id, byte[] Previous, byte[] Hash, byte[] Line);
