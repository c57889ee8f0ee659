using System.Text;

namespace Postern.Cli.Tests.Audit;

/// <summary>A writer for a command that runs on while the test reads what it wrote so far, a line at a time.</summary>
internal sealed class LineWatcher : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    /// <summary>The complete lines written so far.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }

    /// <summary>The first line for which <paramref name="match"/> holds, once written; fails the test after <paramref name="patience"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (Lines().FirstOrDefault(match) is { } line)
                return line;
            Assert.True(DateTime.UtcNow < deadline, $"no such line within {patience}; written: {string.Join("\n", Lines())}");
            await Task.Delay(20);
        }
    }
}
