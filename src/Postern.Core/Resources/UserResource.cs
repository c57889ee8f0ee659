using Postern.Identity;

namespace Postern.Resources;

/// <summary>A user as a resource. Its password hash and second-factor secret are stored but never rendered as YAML.</summary>
public sealed record UserResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.User;

    /// <summary>The user.</summary>
    public required User User { get; init; }

    /// <summary>The resource holding <paramref name="user"/>.</summary>
    public static UserResource Of(User user) => new() { User = user, Metadata = new ResourceMetadata { Name = user.Name } };
}
