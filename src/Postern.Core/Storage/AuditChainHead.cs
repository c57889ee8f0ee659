namespace Postern.Storage;

/// <summary>The latest committed event of a chain: its position and hash.</summary>
public sealed record AuditChainHead(string Chain, long Sequence, byte[] Hash);
