namespace Postern.Identity;

/// <summary>A role: what its holders may do (<see cref="Allow"/>) and may never do (<see cref="Deny"/>, which wins).</summary>
public sealed record Role
{
    /// <summary>The role's name, as users list it.</summary>
    public required string Name { get; init; }

    /// <summary>The role's own labels (metadata).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>What the role grants.</summary>
    public RoleConditions Allow { get; init; } = new();

    /// <summary>What the role takes away, whatever other roles grant.</summary>
    public RoleConditions Deny { get; init; } = new();
}
