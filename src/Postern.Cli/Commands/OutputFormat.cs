namespace Postern.Cli.Commands;

/// <summary>How a command prints what a script may read.</summary>
internal enum OutputFormat
{
    /// <summary>For people.</summary>
    Text,

    /// <summary>For scripts.</summary>
    Json,
}
