namespace Postern.Authority;

/// <summary>Postern's authorities, each with its own keys.</summary>
public enum CertAuthorityType
{
    /// <summary>Signs application access assertions (<c>Teleport-Jwt-Assertion</c>).</summary>
    Jwt,

    /// <summary>Signs workload JWT-SVIDs.</summary>
    Workload,

    /// <summary>
    /// Signs the audit log's checkpoints. Not among <see cref="CertAuthorityTypes.All"/>: it issues no tokens, publishes
    /// no key set and is not rotated by <c>postern ca rotate</c>; its keys are held as the others' are.
    /// </summary>
    Audit,

    /// <summary>
    /// The trust domain's X.509 certificate authority: its keys sign the CA certificates in the X.509 bundle and the
    /// X.509-SVIDs issued under them.
    /// </summary>
    X509,
}
