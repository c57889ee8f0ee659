using System.Globalization;

namespace Postern.Bench.Soak;

/// <summary>
/// A process's figures from /proc: resident and private memory (kB; private is what the process alone holds,
/// smaps_rollup's Private_Clean + Private_Dirty), threads, and open file descriptors (its handles).
/// </summary>
internal sealed record ProcessSample(long RssKb, long PrivateKb, int Threads, int Fds)
{
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var status = Fields($"/proc/{pid}/status");
            var rollup = Fields($"/proc/{pid}/smaps_rollup");
            return new ProcessSample(
                status["VmRSS"],
                rollup["Private_Clean"] + rollup["Private_Dirty"],
                (int)status["Threads"],
                Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeyNotFoundException)
        {
            return null;
        }
    }

    // "Name:   123 kB" → Name = 123
    private static Dictionary<string, long> Fields(string path)
    {
        var fields = new Dictionary<string, long>();
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (value.Length > 0 && long.TryParse(value[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                fields[line[..colon]] = number;
            }
        }

        return fields;
    }
}
