namespace Postern.Authority;

/// <summary>The phase of an authority's key rotation (the reference system's phases).</summary>
public enum RotationPhase
{
    /// <summary>No rotation under way: one key signs and is published.</summary>
    Standby,

    /// <summary>A new key is published as trusted; the old key still signs.</summary>
    Init,

    /// <summary>The new key signs; the old key is still published.</summary>
    UpdateClients,

    /// <summary>
    /// A rotation is being undone after the new key signed: the old key signs again, and the new key stays
    /// published until the tokens it signed have expired.
    /// </summary>
    Rollback,
}
