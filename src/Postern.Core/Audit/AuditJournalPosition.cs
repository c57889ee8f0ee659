namespace Postern.Audit;

/// <summary>Where a group of events ends in the journal: in <paramref name="Segment"/>, at byte <paramref name="End"/>.</summary>
internal sealed record AuditJournalPosition(AuditJournalSegment Segment, long End);
