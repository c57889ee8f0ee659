namespace Postern.Server.AppAccess;

/// <summary>
/// How many bytes one part of what Postern sends an app takes: a header line (<c>Teleport-Jwt-Assertion</c>) or a claim of
/// the assertion's JSON payload (<c>traits.groups</c>).
/// </summary>
internal sealed record SizedPart(string Name, int Bytes);
