namespace Postern.Resources;

/// <summary>A stored resource in the reference system's shape: <c>kind</c>, <c>version</c>, <c>metadata</c>, <c>spec</c>.</summary>
public abstract record Resource
{
    /// <summary>The kind, e.g. <c>role</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Name, labels and description.</summary>
    public required ResourceMetadata Metadata { get; init; }
}
