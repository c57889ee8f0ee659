namespace Postern.Configuration;

/// <summary>An application behind Postern's proxy, as written in <c>postern.yaml</c>.</summary>
public sealed record AppConfig
{
    /// <summary>A DNS label naming the app.</summary>
    public required string Name { get; init; }

    /// <summary>The app's internal address, exactly as configured (the assertion's <c>aud</c>).</summary>
    public required Uri Uri { get; init; }

    /// <summary>The host name (with optional port) browsers use for the app.</summary>
    public required string PublicAddr { get; init; }

    /// <summary>Labels that roles match with <c>app_labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Header and assertion rewriting.</summary>
    public AppRewriteConfig Rewrite { get; init; } = new();

    /// <summary>Accept any certificate from the upstream. Unsafe outside tests and labs.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Whether and how workloads reach the app with their JWT-SVIDs; <c>null</c>: they do not.</summary>
    public WorkloadAccessConfig? WorkloadAccess { get; init; }
}
