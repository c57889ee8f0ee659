using System.CommandLine;

namespace Postern.Cli.Commands;

/// <summary>Options that several commands share.</summary>
internal static class CommonOptions
{
    public const string DefaultConfigPath = "postern.yaml";

    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = $"The configuration file (default ./{DefaultConfigPath}; optional, every field has a default).",
    };

    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => OutputFormat.Text,
    };
}
