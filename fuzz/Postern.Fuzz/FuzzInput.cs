using System.Text;

namespace Postern.Fuzz;

/// <summary>How the harnesses read their input.</summary>
public static class FuzzInput
{
    /// <summary>
    /// Inputs longer than this are skipped unread: every parser here reads a request body, a header, a token or a file
    /// that its caller bounds first, and long inputs only slow the fuzzer down.
    /// </summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>The input as text, invalid UTF-8 replaced, as a web server or a YAML reader would decode it.</summary>
    public static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    /// <summary>The input's first line, and its other lines (values to render a template with).</summary>
    public static (string First, string[] Others) Lines(byte[] input)
    {
        var lines = Text(input).Split('\n');
        return (lines[0], lines[1..]);
    }
}
