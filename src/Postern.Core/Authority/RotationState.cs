namespace Postern.Authority;

/// <summary>How a rotation moves from phase to phase.</summary>
public enum RotationMode
{
    /// <summary>Each step is taken by the server once the grace period of the phase has passed.</summary>
    Auto,

    /// <summary>Each step is taken by an operator (<c>postern ca rotate --manual --phase P</c>).</summary>
    Manual,
}

/// <summary>A rotation under way, as stored with its authority.</summary>
public sealed record RotationState
{
    /// <summary>Who moves it on.</summary>
    public required RotationMode Mode { get; init; }

    /// <summary>The time each phase lasts before the next step (for <see cref="RotationMode.Manual"/>, the advice).</summary>
    public required TimeSpan Grace { get; init; }

    /// <summary>When the rotation started.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>When the current phase began.</summary>
    public required DateTimeOffset PhaseSince { get; init; }

    /// <summary>The key that signed when the rotation started.</summary>
    public required string OldKid { get; init; }

    /// <summary>The key the rotation brings in.</summary>
    public required string NewKid { get; init; }

    /// <summary>When the current phase has lasted its grace period.</summary>
    public DateTimeOffset GraceEnds => PhaseSince + Grace;
}
