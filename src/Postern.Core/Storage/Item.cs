namespace Postern.Storage;

/// <summary>A stored value with the revision of its last write.</summary>
/// <param name="Key">The full key, e.g. <c>/authorities/jwt</c>.</param>
/// <param name="Value">The value, usually a UTF-8 JSON document.</param>
/// <param name="Revision">The store-wide revision of the write that produced this value.</param>
/// <param name="Expires">When the item stops being visible; <c>null</c> for never.</param>
public sealed record Item(string Key, ReadOnlyMemory<byte> Value, long Revision, DateTimeOffset? Expires);
