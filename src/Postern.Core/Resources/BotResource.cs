namespace Postern.Resources;

/// <summary>A bot: a machine identity that joins with a one-time token and holds roles, as a user does.</summary>
public sealed record BotResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.Bot;

    /// <summary>The roles the bot holds.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
}
