namespace Postern.Configuration;

/// <summary>
/// An app's <c>workload_access</c>: workloads may reach it with a JWT-SVID whose audience is the app's public address,
/// presented as <c>Bearer</c> in <see cref="Header"/>, which Postern consumes and never forwards. Absent: no workload
/// access, and the app's requests are handled as before.
/// </summary>
public sealed record WorkloadAccessConfig
{
    /// <summary>The headers a JWT-SVID may come in: <c>Authorization</c> (the default), or one of the other two for an app that uses <c>Authorization</c> itself.</summary>
    public static IReadOnlyList<string> Headers { get; } = ["Authorization", "Proxy-Authorization", "X-Postern-Authorization"];

    /// <summary>The header the JWT-SVID comes in.</summary>
    public string Header { get; init; } = "Authorization";

    /// <summary>Reads <c>workload_access</c> of <paramref name="app"/>, if present, reporting problems on <paramref name="c"/>.</summary>
    internal static WorkloadAccessConfig? Read(YamlCursor c, Dictionary<string, YamlDotNet.RepresentationModel.YamlNode> app, string path)
    {
        if (!app.TryGetValue("workload_access", out var node))
        {
            return null;
        }

        var at = YamlCursor.Join(path, "workload_access");
        var map = c.Mapping(node, at, "header");
        var header = c.String(map, "header", at);
        if (header is null)
        {
            return new WorkloadAccessConfig();
        }

        var known = Headers.FirstOrDefault(h => h.Equals(header, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            c.Error(YamlCursor.Join(at, "header"), $"'{header}' is not one of {string.Join(", ", Headers)}");
            return null;
        }

        return new WorkloadAccessConfig { Header = known };
    }
}
