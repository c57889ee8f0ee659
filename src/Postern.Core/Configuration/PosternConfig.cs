namespace Postern.Configuration;

/// <summary>A validated <c>postern.yaml</c>, with defaults filled in and paths made absolute.</summary>
public sealed record PosternConfig
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 3080;

    /// <summary>The cluster's name: <c>iss</c> of app assertions and the default trust domain.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The configured public address; when <c>null</c>, derived from the host name and the bound port.</summary>
    public PublicAddr? PublicAddr { get; init; }

    /// <summary>Where to listen.</summary>
    public required ListenAddr ListenAddr { get; init; }

    /// <summary>The folder for the embedded store, the key-encryption key and the generated TLS certificate.</summary>
    public required string DataDir { get; init; }

    /// <summary>TLS settings.</summary>
    public TlsConfig Tls { get; init; } = new();

    /// <summary>Store settings.</summary>
    public StorageConfig Storage { get; init; } = new();

    /// <summary>The <c>audit</c> section.</summary>
    public AuditConfig Audit { get; init; } = new();

    /// <summary>Session and assertion lifetimes.</summary>
    public AppAccessConfig AppAccess { get; init; } = new();

    /// <summary>The <c>workload_identity</c> section.</summary>
    public WorkloadIdentityConfig WorkloadIdentity { get; init; } = new();

    /// <summary>The <c>authorities</c> section: keys and rotation of each authority.</summary>
    public AuthoritiesConfig Authorities { get; init; } = new();

    /// <summary>
    /// The shortest grace period a rotation of <paramref name="type"/> may use, and why: each phase must outlast
    /// the key set's max-age (so that caching verifiers have the new key before it signs) and the longest token
    /// the authority signs plus clock skew (so that no token outlives the key that signed it in the key set).
    /// </summary>
    public (TimeSpan Grace, string Reason) MinimumRotationGrace(Authority.CertAuthorityType type)
    {
        var (lifetime, setting) = type switch
        {
            Authority.CertAuthorityType.Jwt => (AppAccess.AssertionTtl, "app_access.assertion_ttl"),
            Authority.CertAuthorityType.X509 => (WorkloadIdentity.X509.MaxTtl, "workload_identity.x509.max_ttl"),
            _ => (WorkloadIdentity.MaxTtl, "workload_identity.max_ttl"),
        };
        var tokens = lifetime + Authorities.ClockSkew;
        var grace = tokens > Authorities.KeySetMaxAge ? tokens : Authorities.KeySetMaxAge;
        return (grace, $"each phase must outlast the key set's max-age ({Durations.Format(Authorities.KeySetMaxAge)}, authorities.key_set_max_age) "
            + $"and the longest token the {type.ToString().ToLowerInvariant()} authority signs plus clock skew "
            + $"({Durations.Format(lifetime)} {setting} + {Durations.Format(Authorities.ClockSkew)} authorities.clock_skew)");
    }

    /// <summary>The SPIFFE trust domain: configured, or the cluster name in lower case.</summary>
    public string TrustDomain => WorkloadIdentity.TrustDomain ?? ClusterName.ToLowerInvariant();

    /// <summary>Applications from the file.</summary>
    public IReadOnlyList<AppConfig> Apps { get; init; } = [];

    /// <summary>
    /// The <c>trusted_proxies</c>: networks of the load balancers in front of Postern. Only from a peer in one of them
    /// is the client address taken from <c>X-Forwarded-For</c>; empty (the default) means the socket's peer is the client.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The diagnostic listener (<c>diag_addr</c>): <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>; <c>null</c>, the default, for none.</summary>
    public DiagAddr? DiagAddr { get; init; }

    /// <summary>The <c>log</c> section.</summary>
    public LogConfig Log { get; init; } = new();

    /// <summary>The <c>telemetry</c> section.</summary>
    public TelemetryConfig Telemetry { get; init; } = new();

    /// <summary>The scheme browsers reach Postern with.</summary>
    public string Scheme => Tls.Disabled ? "http" : "https";
}
