using Postern.Authority;

namespace Postern.Configuration;

/// <summary>
/// The <c>authorities</c> section: how each certificate authority keeps its keys and rotates them, and
/// the two durations every rotation must respect.
/// </summary>
public sealed record AuthoritiesConfig
{
    /// <summary>The <c>Cache-Control: max-age</c> of the key sets; a rotation stays in <c>init</c> at least this long.</summary>
    public TimeSpan KeySetMaxAge { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock skew verifiers are allowed; <c>update_clients</c> lasts at least the longest token lifetime plus this.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The application access authority.</summary>
    public AuthorityConfig Jwt { get; init; } = new();

    /// <summary>The workload identity authority.</summary>
    public AuthorityConfig Workload { get; init; } = new();

    /// <summary>The trust domain's X.509 authority (CA certificates and X.509-SVIDs); its keys are P-256 unless set otherwise.</summary>
    public AuthorityConfig X509 { get; init; } = new() { Algorithm = SigningAlgorithm.ES256 };

    /// <summary>The settings of <paramref name="type"/>.</summary>
    public AuthorityConfig For(CertAuthorityType type) => type switch
    {
        CertAuthorityType.Jwt => Jwt,
        CertAuthorityType.X509 => X509,
        _ => Workload,
    };
}

/// <summary>One authority's settings.</summary>
public sealed record AuthorityConfig
{
    /// <summary>The algorithm of new keys: <see cref="SigningAlgorithm.RS256"/> (default) or <see cref="SigningAlgorithm.ES256"/>.</summary>
    public string Algorithm { get; init; } = SigningAlgorithm.RS256;

    /// <summary>Where new keys are made and kept; <c>null</c> for the store, sealed under the key-encryption key.</summary>
    public Pkcs11Config? Pkcs11 { get; init; }

    /// <summary>Scheduled rotation; <c>null</c> when keys rotate only on demand.</summary>
    public RotationSchedule? Rotation { get; init; }
}

/// <summary>A PKCS#11 token (hardware security module) that makes and keeps an authority's keys.</summary>
public sealed record Pkcs11Config
{
    /// <summary>The absolute path of the PKCS#11 module (shared library).</summary>
    public required string Module { get; init; }

    /// <summary>The slot's id, when the token is chosen by slot.</summary>
    public ulong? Slot { get; init; }

    /// <summary>The token's label, when the token is chosen by label.</summary>
    public string? TokenLabel { get; init; }

    /// <summary>The environment variable that holds the user PIN.</summary>
    public required string PinEnv { get; init; }
}

/// <summary>A rotation that starts by itself when the signing key is older than <see cref="Every"/>.</summary>
public sealed record RotationSchedule
{
    /// <summary>The longest a key signs before a rotation starts.</summary>
    public required TimeSpan Every { get; init; }

    /// <summary>The time spent in each phase; <c>null</c> for the shortest safe one.</summary>
    public TimeSpan? Grace { get; init; }
}
