using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

/// <summary>
/// YAML text loaded into documents, for <c>postern.yaml</c> and resource files alike: text YamlDotNet cannot read
/// is a message naming where it stopped, never an exception.
/// </summary>
internal static class YamlText
{
    /// <summary>Loads <paramref name="yaml"/>; on failure <paramref name="error"/> says where and why (without the source's name).</summary>
    public static bool TryLoad(string yaml, [NotNullWhen(true)] out YamlStream? stream, [NotNullWhen(false)] out string? error)
    {
        var parser = new Parser(new StringReader(yaml));
        stream = new YamlStream();
        try
        {
            stream.Load(parser);
            error = null;
            return true;
        }
        catch (YamlException e)
        {
            error = $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18.1 throws these instead of a YamlException on some malformed text (found by fuzzing:
            // ": {\n0", "? :", "...\0", "!![", kept in fuzz/regressions/); its parser's last event says how far it got.
            var at = parser.Current?.End ?? Mark.Empty;
            error = $"not valid YAML near line {at.Line}, column {at.Column}: {e.Message}";
        }

        stream = null;
        return false;
    }
}
