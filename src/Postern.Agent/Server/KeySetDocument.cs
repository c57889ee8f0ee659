namespace Postern.Agent.Server;

/// <summary>The server's workload key set (JWKS) as fetched: its bytes and the ETag they came with.</summary>
internal sealed record KeySetDocument(byte[] Json, string? ETag);
