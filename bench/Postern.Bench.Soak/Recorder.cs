using System.Globalization;

namespace Postern.Bench.Soak;

/// <summary>
/// The latencies and failures of each kind since the last <see cref="Take"/>, and the first failures of each kind
/// written to errors.log (all are counted).
/// </summary>
internal sealed class Recorder(string errorLog)
{
    private const int LoggedPerKind = 20;
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestKind, List<double>> _latencies = Enum.GetValues<RequestKind>().ToDictionary(k => k, _ => new List<double>());
    private readonly Dictionary<RequestKind, int> _failures = Enum.GetValues<RequestKind>().ToDictionary(k => k, _ => 0);
    private readonly Dictionary<RequestKind, int> _logged = Enum.GetValues<RequestKind>().ToDictionary(k => k, _ => 0);

    public void Record(RequestKind kind, double milliseconds, string? failure)
    {
        lock (_gate)
        {
            _latencies[kind].Add(milliseconds);
            if (failure is null)
            {
                return;
            }

            _failures[kind]++;
            if (_logged[kind]++ < LoggedPerKind)
            {
                File.AppendAllText(errorLog, string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} {kind}: {failure}\n"));
            }
        }
    }

    /// <summary>What was recorded since the last call, per kind; starts the next window.</summary>
    public IReadOnlyList<WindowFigures> Take(double seconds)
    {
        lock (_gate)
        {
            var figures = new List<WindowFigures>();
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                var sorted = _latencies[kind].ToArray();
                Array.Sort(sorted);
                figures.Add(new WindowFigures(kind, sorted.Length, _failures[kind], sorted.Length / seconds, At(sorted, 0.5), At(sorted, 0.99), sorted.LastOrDefault()));
                _latencies[kind].Clear();
                _failures[kind] = 0;
            }

            return figures;
        }
    }

    private static double At(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
