using System.Diagnostics.CodeAnalysis;

namespace Postern.Agent;

/// <summary>
/// A signal sent after each change of the output files to the process whose id is in <see cref="PidFile"/>
/// (<c>--on-change-signal</c>, <c>--on-change-pid-file</c>): how a daemon such as nginx or envoy is told to reload.
/// </summary>
/// <param name="Name">The signal's name without <c>SIG</c>, e.g. <c>HUP</c>.</param>
/// <param name="Number">Its number on Linux.</param>
/// <param name="PidFile">The file holding the process id, read anew each time.</param>
public sealed record ChangeSignal(string Name, int Number, string PidFile)
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["USR1"] = 10, ["USR2"] = 12, ["TERM"] = 15, ["WINCH"] = 28,
    };

    /// <summary>The names accepted, for messages.</summary>
    public static string Expected => string.Join(", ", Numbers.Keys);

    /// <summary>Reads <paramref name="name"/> (<c>HUP</c> or <c>SIGHUP</c>, any case); on failure, <paramref name="error"/> names the accepted ones.</summary>
    public static bool TryCreate(string name, string pidFile, [NotNullWhen(true)] out ChangeSignal? signal, [NotNullWhen(false)] out string? error)
    {
        var bare = name.Trim().ToUpperInvariant();
        bare = bare.StartsWith("SIG", StringComparison.Ordinal) ? bare[3..] : bare;
        if (!Numbers.TryGetValue(bare, out var number))
        {
            signal = null;
            error = $"--on-change-signal: unknown signal '{name}' (expected one of {Expected})";
            return false;
        }

        signal = new ChangeSignal(bare, number, pidFile);
        error = null;
        return true;
    }
}
