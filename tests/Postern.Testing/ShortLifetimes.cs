namespace Postern.Testing;

/// <summary>Lifetimes short enough for a test to see keys and tokens expire and rotations move on.</summary>
public static class ShortLifetimes
{
    /// <summary>The config sections, one line each, for the end of a server's YAML.</summary>
    public const string Yaml = """
        authorities: { key_set_max_age: 1s, clock_skew: 1s }
        app_access: { assertion_ttl: 5s }
        workload_identity: { default_ttl: 5s, max_ttl: 5s }
        """;
}
