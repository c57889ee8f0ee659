using Postern.Sso;

namespace Postern.Resources;

/// <summary>An <c>oidc</c> connector as a resource. It names where its client secret is, never the secret.</summary>
public sealed record OidcConnectorResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.Oidc;

    /// <summary>The connector.</summary>
    public required OidcConnector Connector { get; init; }
}
