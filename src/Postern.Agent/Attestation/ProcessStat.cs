using System.Globalization;

namespace Postern.Agent.Attestation;

/// <summary>Reads fields of <c>/proc/&lt;pid&gt;/stat</c>.</summary>
internal static class ProcessStat
{
    // Field 22 of stat (starttime); fields are counted from 1, and field 2 is "(comm)".
    private const int StartTimeField = 22;

    /// <summary>
    /// The process's start time in clock ticks since boot, from the text of its stat file. The command
    /// name in field 2 is in parentheses and may itself hold spaces and parentheses, so fields are
    /// counted from after the last ')'.
    /// </summary>
    public static bool TryParseStartTime(string stat, out ulong startTime)
    {
        startTime = 0;
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        // After ')' come fields 3, 4, ...: field 22 is the 20th of them.
        var rest = stat.AsSpan(close + 1);
        var field = 2;
        foreach (var range in rest.Split(' '))
        {
            var part = rest[range];
            if (part.IsEmpty)
            {
                continue;
            }

            field++;
            if (field == StartTimeField)
            {
                return ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out startTime);
            }
        }

        return false;
    }
}
