using Postern.Sso;

namespace Postern.Server.Sso;

/// <summary>Reads a connector's client secret from where its resource says, on this server, each time it is needed.</summary>
internal sealed class ConnectorSecrets(Func<string, string?> environment)
{
    public bool TryRead(OidcConnector connector, out string secret, out string error) =>
        connector.ClientSecret.TryRead(environment, out secret, out error);
}
