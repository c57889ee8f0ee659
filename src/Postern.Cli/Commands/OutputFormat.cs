namespace Postern.Cli.Commands;

/// <summary>How a command prints what a script may read.</summary>
internal enum OutputFormat
{
    /// <summary>For people.</summary>
    Text,

    /// <summary>For scripts: the admin API's JSON, field names as in docs/cli.md.</summary>
    Json,

    /// <summary>For scripts and people: the same fields as JSON, as YAML.</summary>
    Yaml,
}
