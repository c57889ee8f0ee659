namespace Postern.Authority;

/// <summary>An authority as stored at <c>/authorities/&lt;type&gt;</c>.</summary>
public sealed record CertAuthorityDocument
{
    /// <summary>The authority's type name.</summary>
    public required string Type { get; init; }

    /// <summary>The rotation phase.</summary>
    public RotationPhase Phase { get; init; } = RotationPhase.Standby;

    /// <summary>The <c>kid</c> of the key that signs now.</summary>
    public required string SigningKid { get; init; }

    /// <summary>Every key that verifiers must trust now, the signing key first.</summary>
    public required IReadOnlyList<AuthorityKey> Keys { get; init; }

    /// <summary>The rotation under way; <c>null</c> in <see cref="RotationPhase.Standby"/>.</summary>
    public RotationState? Rotation { get; init; }
}
