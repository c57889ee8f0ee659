namespace Postern.Server.AppAccess;

/// <summary>
/// One request of <c>postern doctor app</c>: its name, what it carries in words, and the <c>Teleport-Jwt-Assertion</c>
/// values it sends (none: no header; two: both, as one header field whose values are joined with <c>", "</c>).
/// </summary>
internal sealed record AssertionProbe(string Name, string Sent, IReadOnlyList<string> Assertions);
