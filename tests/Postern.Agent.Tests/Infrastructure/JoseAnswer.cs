namespace Postern.Agent.Tests.Infrastructure;

/// <summary>What verify-stream.mjs said of one token: accepted (with the key that verified it), or the jose error.</summary>
internal sealed record JoseAnswer(bool Ok, string? Kid, string? Code, string? Error);
