using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Postern.Server.State;

namespace Postern.Server.Sso;

/// <summary>
/// One authentication scheme per stored SSO connector, <c>oidc:&lt;name&gt;</c>, resolved when asked for: a
/// connector created with <c>postern create -f</c> is usable on the next request, without a restart, and a removed
/// one is gone. Schemes registered at start (none today) are served as usual.
/// </summary>
internal sealed class ConnectorSchemes(IOptions<AuthenticationOptions> options, ClusterState cluster) : AuthenticationSchemeProvider(options)
{
    private const string Prefix = "oidc:";

    /// <summary>The scheme name of the connector named <paramref name="connector"/>.</summary>
    public static string SchemeName(string connector) => Prefix + connector;

    /// <summary>The connector a scheme name stands for.</summary>
    public static bool TryGetConnector(string scheme, [NotNullWhen(true)] out string? connector)
    {
        connector = scheme.StartsWith(Prefix, StringComparison.Ordinal) ? scheme[Prefix.Length..] : null;
        return connector is { Length: > 0 };
    }

    public override Task<AuthenticationScheme?> GetSchemeAsync(string name) =>
        TryGetConnector(name, out var connector) && cluster.FindConnector(connector) is { } found
            ? Task.FromResult<AuthenticationScheme?>(new AuthenticationScheme(name, found.Display ?? found.Name, typeof(OpenIdConnectHandler)))
            : base.GetSchemeAsync(name);
}
