namespace Postern.Configuration;

/// <summary>The <c>tls</c> section: a certificate and key, or none (a self-signed one is generated), or disabled.</summary>
public sealed record TlsConfig
{
    /// <summary>PEM certificate chain; with <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>Serve plain HTTP, for a TLS-terminating load balancer in front.</summary>
    public bool Disabled { get; init; }
}
