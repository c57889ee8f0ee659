namespace Postern.Storage;

public readonly record struct BatchPut(string Key, ReadOnlyMemory<byte> Value, DateTimeOffset? Expires);
