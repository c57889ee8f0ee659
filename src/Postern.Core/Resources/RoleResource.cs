using Postern.Identity;

namespace Postern.Resources;

/// <summary>A role as a resource.</summary>
public sealed record RoleResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.Role;

    /// <summary>The role.</summary>
    public required Role Role { get; init; }

    /// <summary>The resource holding <paramref name="role"/>.</summary>
    public static RoleResource Of(Role role) => new() { Role = role, Metadata = new ResourceMetadata { Name = role.Name, Labels = role.Labels } };
}
