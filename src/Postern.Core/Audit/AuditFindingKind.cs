namespace Postern.Audit;

/// <summary>What <see cref="AuditVerifier"/> found wrong with a chain.</summary>
public enum AuditFindingKind
{
    /// <summary>An event's line no longer matches its hash, or a checkpoint names another head: it was changed.</summary>
    Changed,

    /// <summary>Positions are missing: events were removed.</summary>
    Removed,

    /// <summary>An intact event does not follow its predecessor: an event was inserted, or events were reordered.</summary>
    InsertedOrReordered,

    /// <summary>A checkpoint vouches for events past the chain's end: the tail was cut off.</summary>
    Truncated,

    /// <summary>A checkpoint is not signed by the audit key.</summary>
    BadCheckpoint,
}
