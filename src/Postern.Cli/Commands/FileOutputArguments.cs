using Postern.Agent;

namespace Postern.Cli.Commands;

/// <summary>The agent's file output options as given on the command line, before they are checked.</summary>
internal sealed record FileOutputArguments(string? Dir, string? Audiences, string? OnChange, string? OnChangeSignal, string? OnChangePidFile)
{
    /// <summary>The file outputs asked for (none without <c>--output-dir</c>), or what is wrong with the options.</summary>
    public (FileOutputOptions? Outputs, string? Problem) Read()
    {
        if (Dir is null)
        {
            return Audiences is not null || OnChange is not null || OnChangeSignal is not null || OnChangePidFile is not null
                ? (null, "--output-audiences, --on-change, --on-change-signal and --on-change-pid-file apply only with --output-dir")
                : (null, null);
        }

        if ((OnChangeSignal is null) != (OnChangePidFile is null))
        {
            return (null, "--on-change-signal and --on-change-pid-file go together: the signal, and the file holding the id of the process to send it to");
        }

        ChangeSignal? signal = null;
        if (OnChangeSignal is not null && !ChangeSignal.TryCreate(OnChangeSignal, OnChangePidFile!, out signal, out var signalProblem))
        {
            return (null, signalProblem);
        }

        var list = (Audiences ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var clash = list.GroupBy(FileOutputOptions.TokenFileName).FirstOrDefault(g => g.Count() > 1);
        return clash is not null
            ? (null, $"--output-audiences: {string.Join(" and ", clash.Select(a => $"'{a}'"))} would share the file {clash.Key}")
            : (new FileOutputOptions { Folder = Dir, Audiences = list, OnChange = OnChange, OnChangeSignal = signal }, null);
    }
}
