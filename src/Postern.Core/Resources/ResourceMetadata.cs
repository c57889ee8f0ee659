namespace Postern.Resources;

/// <summary>A resource's <c>metadata</c>.</summary>
public sealed record ResourceMetadata
{
    /// <summary>The name, unique within the kind.</summary>
    public required string Name { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Free text for people.</summary>
    public string? Description { get; init; }
}
