namespace Postern.AppAccess;

/// <summary>
/// What a header rule renders for one user: the value to send (<c>null</c>: send nothing) and, for each trait value
/// left out, why.
/// </summary>
public sealed record RenderedHeader(string? Value, IReadOnlyList<string> Refusals);
