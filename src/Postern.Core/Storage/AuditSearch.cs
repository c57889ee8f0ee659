namespace Postern.Storage;

/// <summary>
/// Which audit events <see cref="IAuditStore.SearchAuditAsync"/> returns: every condition set must hold. Events are
/// ordered by id (which starts with the event's time in ticks), newest first; <see cref="BeforeId"/> continues a
/// page.
/// </summary>
public sealed record AuditSearch
{
    /// <summary>Only events of this type.</summary>
    public string? Type { get; init; }

    /// <summary>Only events whose <c>actor</c> field is this.</summary>
    public string? Actor { get; init; }

    /// <summary>Only events whose <c>jti</c> field is this.</summary>
    public string? Jti { get; init; }

    /// <summary>Only the event with this id.</summary>
    public string? Id { get; init; }

    /// <summary>Only events whose id is at or after this (ids sort by time).</summary>
    public string? FromId { get; init; }

    /// <summary>Only events whose id is before this: the cursor of the next page, or a time bound.</summary>
    public string? BeforeId { get; init; }

    /// <summary>At most this many events.</summary>
    public int Limit { get; init; } = 1000;
}
