namespace Postern.Server.State;

/// <summary>A value held by the cluster state, with the store revision it was written at.</summary>
internal readonly record struct Versioned<T>(T Value, long Revision);
