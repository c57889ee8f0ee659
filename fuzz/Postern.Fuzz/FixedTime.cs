namespace Postern.Fuzz;

/// <summary>A clock that always reads the same instant, so that one input always takes the same path.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public static readonly FixedTime Instance = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Now { get; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
