using System.CommandLine;

namespace Postern.Cli.Commands;

/// <summary>Options that several commands share.</summary>
internal static class CommonOptions
{
    public const string DefaultConfigPath = "postern.yaml";

    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = $"The server's configuration file (default ./{DefaultConfigPath}); given, admin commands use its data_dir/admin.json (local-admin) even when `postern login` is in force.",
    };

    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "Output format: text, json or yaml.",
        DefaultValueFactory = _ => OutputFormat.Text,
    };
}
