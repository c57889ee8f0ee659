namespace Postern.Authority;

/// <summary>Postern's two certificate authorities, each with its own keys.</summary>
public enum CertAuthorityType
{
    /// <summary>Signs application access assertions (<c>Teleport-Jwt-Assertion</c>).</summary>
    Jwt,

    /// <summary>Signs workload JWT-SVIDs.</summary>
    Workload,
}
