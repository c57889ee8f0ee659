using System.Globalization;

namespace Postern.Bench.Soak;

/// <summary>
/// Reads a run's latency.csv and process.csv, prints the summary (markdown) and decides. The run fails when any
/// request failed, when a process went away, or when a figure grows without bound: a least-squares line fitted
/// over the second half of the run projects, across that half, a growth above the figure's limit
/// (<see cref="GrowthLimit"/>), both as a share of the figure's mean over the half and as an absolute amount.
/// </summary>
internal static class SoakAnalysis
{
    public static int Run(string outDir)
    {
        var latency = Csv(Path.Combine(outDir, "latency.csv"));
        var process = Csv(Path.Combine(outDir, "process.csv"));
        var windows = latency.Where(r => Num(r["t_s"]) > 0).ToList();
        var problems = new List<string>();
        var end = windows.Max(r => Num(r["t_s"]));
        var kinds = windows.Select(r => r["kind"]).Distinct().Where(k => windows.Any(r => r["kind"] == k && Num(r["requests"]) > 0)).ToList();

        Console.WriteLine(Invariant($"Run: {end / 60:F1} min, sampled every 10 s ({windows.Count / Math.Max(1, kinds.Count)} windows)."));
        Console.WriteLine();
        Console.WriteLine("| kind | requests | failed | rate (/s) | p99 first minute (ms) | p99 middle minute (ms) | p99 last minute (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds)
        {
            var rows = windows.Where(r => r["kind"] == kind).OrderBy(r => Num(r["t_s"])).ToList();
            var requests = latency.Where(r => r["kind"] == kind).Sum(r => Num(r["requests"]));
            var failed = latency.Where(r => r["kind"] == kind).Sum(r => Num(r["failures"]));
            if (failed > 0)
            {
                problems.Add(Invariant($"{failed} {kind} requests failed (see errors.log)"));
            }

            double P99Around(double t) => Median(rows.Where(r => Math.Abs(Num(r["t_s"]) - t) < 30).Select(r => Num(r["p99_ms"])));
            Console.WriteLine(Invariant($"| {kind} | {requests} | {failed} | {rows.Sum(r => Num(r["requests"])) / end:F1} | {P99Around(30):F1} | {P99Around(Math.Round(end / 2 / 10) * 10):F1} | {P99Around(end - 20):F1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Every 5 minutes (rate /s, and the median and the highest of the 10 s windows' p99 in ms):");
        Console.WriteLine();
        Console.WriteLine("| minutes | " + string.Join(" | ", kinds.Select(k => $"{k} /s | {k} p99 median, max")) + " | server RSS (MB) | server threads | server fds |");
        Console.WriteLine("|---|" + string.Concat(kinds.Select(_ => "---:|---:|")) + "---:|---:|---:|");
        for (var from = 0.0; from < end; from += 300)
        {
            var to = Math.Min(end, from + 300);
            var cells = kinds.Select(k =>
            {
                var rows = windows.Where(r => r["kind"] == k && Num(r["t_s"]) > from && Num(r["t_s"]) <= to).ToList();
                var p99s = rows.Select(r => Num(r["p99_ms"])).ToList();
                return Invariant($"{rows.Sum(r => Num(r["requests"])) / (to - from):F1} | {Median(p99s):F1}, {p99s.DefaultIfEmpty().Max():F1}");
            });
            var last = process.Where(r => r["process"] == "server" && Num(r["t_s"]) <= to && r["rss_kb"].Length > 0).LastOrDefault();
            Console.WriteLine(Invariant($"| {from / 60:F0}–{to / 60:F0} | {string.Join(" | ", cells)} | {(last is null ? "–" : Invariant($"{Num(last["rss_kb"]) / 1024:F0} | {last["threads"]} | {last["fds"]}"))} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| process | RSS start → end (MB) | private start → end (MB) | threads start → end | fds start → end |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var series = new List<(string Name, List<(double T, double Y)> Points, GrowthLimit Limit)>();
        foreach (var name in new[] { "server", "agent" })
        {
            var rows = process.Where(r => r["process"] == name).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            if (rows.Any(r => r["rss_kb"].Length == 0))
            {
                problems.Add($"the {name} process went away during the run");
                rows = rows.Where(r => r["rss_kb"].Length > 0).ToList();
            }

            string Span(string column, double scale) => Invariant($"{Num(rows[0][column]) / scale:F0} → {Num(rows[^1][column]) / scale:F0}");
            Console.WriteLine($"| {name} | {Span("rss_kb", 1024)} | {Span("private_kb", 1024)} | {Span("threads", 1)} | {Span("fds", 1)} |");
            series.Add(($"{name} RSS (kB)", Points(rows, "rss_kb"), GrowthLimit.Memory));
            series.Add(($"{name} private memory (kB)", Points(rows, "private_kb"), GrowthLimit.Memory));
            series.Add(($"{name} threads", Points(rows, "threads"), GrowthLimit.Count));
            series.Add(($"{name} open fds", Points(rows, "fds"), GrowthLimit.Count));
        }

        foreach (var kind in kinds)
        {
            series.Add(($"{kind} p99 (ms)", Points(windows.Where(r => r["kind"] == kind).ToList(), "p99_ms"), GrowthLimit.Latency));
        }

        Console.WriteLine();
        Console.WriteLine("Least-squares slope over the second half; growth = slope × the half's length:");
        Console.WriteLine();
        Console.WriteLine("| figure | mean over the second half | slope per minute | growth over the half | growth / mean | limit | |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (name, points, limit) in series)
        {
            var half = points.Where(p => p.T > end / 2).ToList();
            if (half.Count < 3)
            {
                continue;
            }

            var (slope, mean) = Fit(half);
            var growth = slope * (half[^1].T - half[0].T);
            var share = mean == 0 ? 0 : growth / mean;
            var grows = share > limit.ShareOfMean && growth > limit.Absolute;
            if (grows)
            {
                problems.Add(Invariant($"{name} grows: {growth:F1} over the second half, {share:P0} of its mean {mean:F1}"));
            }

            Console.WriteLine(Invariant($"| {name} | {mean:F1} | {slope * 60:F2} | {growth:F1} | {share:P1} | > {limit.ShareOfMean:P0} and > {limit.Absolute} | {(grows ? "**GROWS**" : "ok")} |"));
        }

        Console.WriteLine();
        if (problems.Count == 0)
        {
            Console.WriteLine("PASS: no request failed and nothing grew without bound.");
            return 0;
        }

        Console.WriteLine("FAIL:");
        foreach (var problem in problems)
        {
            Console.WriteLine($"- {problem}");
        }

        return 1;
    }

    private static List<(double T, double Y)> Points(List<Dictionary<string, string>> rows, string column) =>
        rows.Where(r => r[column].Length > 0).Select(r => (Num(r["t_s"]), Num(r[column]))).OrderBy(p => p.Item1).ToList();

    private static (double Slope, double Mean) Fit(List<(double T, double Y)> points)
    {
        var meanT = points.Average(p => p.T);
        var meanY = points.Average(p => p.Y);
        var covariance = points.Sum(p => (p.T - meanT) * (p.Y - meanY));
        var variance = points.Sum(p => (p.T - meanT) * (p.T - meanT));
        return (variance == 0 ? 0 : covariance / variance, meanY);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .ToList();
    }

    private static double Num(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
