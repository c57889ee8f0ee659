namespace Postern.Configuration;

/// <summary>An application behind Postern's proxy, as written in <c>postern.yaml</c>.</summary>
public sealed record AppConfig
{
    /// <summary>The default <see cref="MaxHeaderBytes"/>: nginx's default buffer for one request header line.</summary>
    public const int DefaultMaxHeaderBytes = 8192;

    /// <summary>The smallest <see cref="MaxHeaderBytes"/> accepted.</summary>
    public const int MinMaxHeaderBytes = 1024;

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

    /// <summary>
    /// The budget for the whole request header block Postern sends the app (<c>max_header_bytes</c>): a request whose
    /// assertion and templated headers would not fit is not forwarded.
    /// </summary>
    public int MaxHeaderBytes { get; init; } = DefaultMaxHeaderBytes;

    /// <summary>Whether an administrator may run <c>postern doctor app</c> against the app (<c>doctor: {allow: true}</c>).</summary>
    public bool DoctorAllowed { get; init; }

    /// <summary>Accept any certificate from the upstream. Unsafe outside tests and labs.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Whether and how workloads reach the app with their JWT-SVIDs; <c>null</c>: they do not.</summary>
    public WorkloadAccessConfig? WorkloadAccess { get; init; }
}
