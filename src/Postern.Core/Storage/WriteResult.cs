namespace Postern.Storage;

/// <summary>
/// The outcome of a conditional write: either the new revision, or a conflict because the
/// key's current revision was not the expected one. A conflict is an expected result, not an error.
/// </summary>
public readonly record struct WriteResult(bool Succeeded, long Revision)
{
    /// <summary>A conflict: nothing was written.</summary>
    public static WriteResult Conflict { get; } = new(false, 0);

    /// <summary>A write that took effect at <paramref name="revision"/>.</summary>
    public static WriteResult At(long revision) => new(true, revision);
}
