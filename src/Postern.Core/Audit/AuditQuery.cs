namespace Postern.Audit;

/// <summary>Which events <see cref="AuditLog.SearchAsync"/> returns.</summary>
public sealed record AuditQuery
{
    /// <summary>Only events of this type, when set.</summary>
    public string? Type { get; init; }

    /// <summary>Only events at or after this time, when set.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only events before this time, when set.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only events whose field of this name holds this string, when set (<c>jti</c> and <c>actor</c> are indexed).</summary>
    public IReadOnlyDictionary<string, string> FieldEquals { get; init; } = new Dictionary<string, string>();

    /// <summary>Only events whose id is before this: the id of the oldest event of the previous page, to read the next.</summary>
    public string? Before { get; init; }

    /// <summary>At most this many events: the newest ones, returned oldest first.</summary>
    public int Limit { get; init; } = 1000;
}
