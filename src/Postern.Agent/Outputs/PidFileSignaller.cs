using System.Globalization;
using System.Runtime.InteropServices;

namespace Postern.Agent.Outputs;

/// <summary>
/// Sends a <see cref="ChangeSignal"/> to the process named by its pid file. The file is read each time (the process may
/// have restarted); a missing or garbled file, or a process that is gone, is a reason returned, never an exception.
/// </summary>
internal static class PidFileSignaller
{
    /// <summary>The most a pid file is read of: a number and a newline.</summary>
    private const int MaxBytes = 64;

    /// <summary>Sends <paramref name="signal"/>; <c>null</c> when it was sent, otherwise why not.</summary>
    public static string? Send(ChangeSignal signal)
    {
        string text;
        try
        {
            using var file = File.OpenRead(signal.PidFile);
            var buffer = new byte[MaxBytes + 1];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaxBytes)
            {
                return $"the pid file {signal.PidFile} is longer than a process id";
            }

            text = System.Text.Encoding.ASCII.GetString(buffer, 0, length).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the pid file {signal.PidFile} cannot be read: {e.Message}";
        }

        // 0 and negative ids would signal a process group or every process the agent may signal: only one process is meant.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return $"the pid file {signal.PidFile} holds '{(text.Length > 20 ? text[..20] + "..." : text)}', not a process id";
        }

        if (kill(pid, signal.Number) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                3 => $"no process {pid} (from {signal.PidFile})",
                1 => $"the agent may not signal process {pid} (from {signal.PidFile})",
                _ => $"kill({pid}, SIG{signal.Name}) failed with errno {errno}",
            };
        }

        return null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
