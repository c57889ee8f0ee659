namespace Postern.Audit;

/// <summary>The first thing wrong in one chain: what, at which position (sequence number), and a sentence that says it.</summary>
public sealed record AuditFinding(string Chain, long Sequence, AuditFindingKind Kind, string Message);
