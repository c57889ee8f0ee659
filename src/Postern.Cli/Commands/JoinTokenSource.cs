namespace Postern.Cli.Commands;

/// <summary>
/// Where <c>postern agent</c> takes its join token from: <c>--join-token-file</c>, <c>--join-token</c> (which every user
/// of the host can read in the process list) or <c>POSTERN_JOIN_TOKEN</c>, in that order.
/// </summary>
internal sealed record JoinTokenSource(string? CommandLine, string? File, string? Environment)
{
    /// <summary>Whether the token comes from the command line.</summary>
    public bool OnCommandLine => CommandLine is not null && File is null;

    /// <summary>The token (null when none is given), or what is wrong with the options.</summary>
    public (string? Token, string? Problem) Read()
    {
        if (CommandLine is not null && File is not null)
        {
            return (null, "--join-token and --join-token-file exclude each other");
        }

        if (File is null)
        {
            return (string.IsNullOrWhiteSpace(CommandLine ?? Environment) ? null : (CommandLine ?? Environment)!.Trim(), null);
        }

        string text;
        try
        {
            text = System.IO.File.ReadAllText(File);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"--join-token-file '{File}' cannot be read: {e.Message}");
        }

        return string.IsNullOrWhiteSpace(text) ? (null, $"--join-token-file '{File}' is empty") : (text.Trim(), null);
    }
}
